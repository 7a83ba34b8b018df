package dev.lambdaidempotency.it.readme;

import java.nio.charset.StandardCharsets;

/** The README example's own serialization, standing in for a real renderer. */
final class ReportRenderer {
    private ReportRenderer() {
    }

    static byte[] render(byte[] request) {
        return ("report for " + new String(request, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }
}
