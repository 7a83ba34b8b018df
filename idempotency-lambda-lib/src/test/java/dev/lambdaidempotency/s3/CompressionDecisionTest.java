package dev.lambdaidempotency.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** gzip only where it pays: JSON compresses, high-entropy content is stored as it is. */
class CompressionDecisionTest {

    @Test
    void typicalJsonIsCompressed() {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 5_000; i++) {
            json.append("{\"id\":\"txn-").append(i).append("\",\"amount\":").append(i % 997)
                    .append(",\"currency\":\"EUR\",\"status\":\"settled\"},");
        }
        byte[] bytes = json.append("{}]").toString().getBytes(StandardCharsets.UTF_8);
        assertTrue(CompressionDecision.worthCompressing(new ByteArrayInputStream(bytes), bytes.length));
    }

    @Test
    void highEntropyContentIsStoredAsItIs() {
        Random random = new Random(7);
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        byte[] bytes = new byte[300_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
        }
        assertFalse(CompressionDecision.worthCompressing(new ByteArrayInputStream(bytes), bytes.length),
                "random alphanumerics shrink by about a quarter only");
    }

    @Test
    void theSampleIsReadWithoutConsumingTheStream() throws Exception {
        byte[] bytes = "{\"a\":1}".repeat(20_000).getBytes(StandardCharsets.UTF_8);
        InputStream in = new ByteArrayInputStream(bytes);
        CompressionDecision.worthCompressing(in, bytes.length);
        assertArrayEquals(bytes, in.readAllBytes());
    }

    @Test
    void aStreamThatCannotBeReReadIsAlwaysCompressed() {
        InputStream once = new FilterInputStream(new ByteArrayInputStream(new byte[100])) {
            @Override
            public boolean markSupported() {
                return false;
            }
        };
        assertTrue(CompressionDecision.worthCompressing(once, 100));
    }
}
