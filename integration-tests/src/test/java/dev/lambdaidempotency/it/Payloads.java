package dev.lambdaidempotency.it;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Deterministic, realistically compressible JSON results (varied amounts, ids and references, not one repeated row). */
final class Payloads {
    private Payloads() {
    }

    /** A settlement report of about {@code targetBytes} bytes of JSON. */
    static byte[] report(int targetBytes, long seed) {
        return reportJson(targetBytes, seed).getBytes(StandardCharsets.UTF_8);
    }

    static String reportJson(int targetBytes, long seed) {
        Random random = new Random(seed);
        String[] currencies = {"EUR", "USD", "GBP", "CHF"};
        String[] statuses = {"SETTLED", "PENDING", "REFUNDED", "DISPUTED"};
        StringBuilder b = new StringBuilder(targetBytes + 512);
        b.append("{\"report\":\"settlement\",\"generatedAt\":\"2026-01-01T00:00:00Z\",\"transactions\":[");
        int i = 0;
        while (b.length() < targetBytes - 300) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"id\":\"txn-").append(String.format("%08d", i))
                    .append("\",\"account\":\"ACC-").append(10000 + random.nextInt(90000))
                    .append("\",\"amount\":").append(random.nextInt(1_000_000) / 100.0)
                    .append(",\"currency\":\"").append(currencies[random.nextInt(4)])
                    .append("\",\"status\":\"").append(statuses[random.nextInt(4)])
                    .append("\",\"timestamp\":\"2026-01-").append(String.format("%02d", 1 + random.nextInt(28)))
                    .append('T').append(String.format("%02d:%02d:%02d", random.nextInt(24), random.nextInt(60),
                            random.nextInt(60)))
                    .append("Z\",\"merchant\":\"Merchant ").append(random.nextInt(5000))
                    .append("\",\"reference\":\"").append(Long.toHexString(random.nextLong()))
                    .append("\"}");
            i++;
        }
        return b.append("]}").toString();
    }
}
