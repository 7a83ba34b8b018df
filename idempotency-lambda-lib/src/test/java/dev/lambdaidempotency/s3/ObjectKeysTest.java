package dev.lambdaidempotency.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {
    private static final String HEX = "3f9a" + "0".repeat(58) + "c2";
    private static final String CONTENT = "9b1e44d0a7f3c615" + "1".repeat(48);

    @Test
    void namesTheObjectAfterScopeKeyHashAndContent() {
        assertEquals("idempotency-results/payments/" + HEX + "-9b1e44d0a7f3c615.json.gz",
                ObjectKeys.objectKey("idempotency-results/", "payments#" + HEX, CONTENT, true));
        assertEquals("p/payments/orders/@charge/" + HEX + "-9b1e44d0a7f3c615.json",
                ObjectKeys.objectKey("p/", "payments#orders#@charge#" + HEX, CONTENT, false));
    }

    @Test
    void distinctScopesNeverShareAName() {
        List<String> scopes = List.of("fn", "fn#a", "fn/a", "fn!2fa", "fn:a", "fn!3aa", "fn#@op", "fn@op", "f#n",
                "f/n", "fn#a#b", "fn#a/b");
        Set<String> keys = new HashSet<>();
        for (String scope : scopes) {
            String key = ObjectKeys.objectKey("", scope + "#" + HEX, CONTENT, true);
            assertTrue(keys.add(key), key);
            assertTrue(key.matches("[A-Za-z0-9._@!/\\-]+"), key);
        }
    }

    @Test
    void idsOfAnotherShapeAreHashedNotCopied() {
        String key = ObjectKeys.objectKey("r/", "customer@example.com", CONTENT, true);
        assertFalse(key.contains("customer"), key);
        assertTrue(key.startsWith("r/!hashed/"), key);
    }

    @Test
    void differentContentGetsADifferentName() {
        assertNotEquals(ObjectKeys.objectKey("", "fn#" + HEX, CONTENT, true),
                ObjectKeys.objectKey("", "fn#" + HEX, "0".repeat(64), true));
    }
}
