package dev.lambdaidempotency.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class FingerprintTest {
    private final Fingerprint withRoute = new Fingerprint(true);
    private final Fingerprint bodyOnly = new Fingerprint(false);

    private static HttpRequest post(String path, String body, boolean base64) {
        return new HttpRequest("post", path, null, null, body, base64);
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void methodAndPathAreIncludedOnlyWhenAsked() {
        assertEquals("{\"method\":\"POST\",\"path\":\"/a\",\"body\":{\"x\":1}}",
                withRoute.of(post("/a", "{\"x\":1}", false)).toString());
        assertEquals("{\"body\":{\"x\":1}}", bodyOnly.of(post("/a", "{\"x\":1}", false)).toString());
    }

    @Test
    void base64TextIsItsTextAndOtherBytesAreKeptApart() {
        String json = "{\"x\":1}";
        assertEquals(bodyOnly.of(post("/", json, false)),
                bodyOnly.of(post("/", b64(json.getBytes(StandardCharsets.UTF_8)), true)));
        byte[] binary = {(byte) 0xff, 0};
        assertEquals("{\"binaryBody\":\"/wA=\"}", bodyOnly.of(post("/", b64(binary), true)).toString());
        assertNotEquals(bodyOnly.of(post("/", "/wA=", false)), bodyOnly.of(post("/", b64(binary), true)));
        assertThrows(IllegalArgumentException.class, () -> bodyOnly.of(post("/", "%%%", true)));
    }

    @Test
    void textThatIsNotJsonIsText() {
        assertEquals("{\"body\":\"{not json\"}", bodyOnly.of(post("/", "{not json", false)).toString());
        assertEquals("{\"body\":null}", bodyOnly.of(post("/", "", false)).toString());
    }
}
