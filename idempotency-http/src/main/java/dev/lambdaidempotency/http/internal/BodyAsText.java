package dev.lambdaidempotency.http.internal;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The first step of a body redaction: a base64 body that is UTF-8 text becomes that text, so that the body field
 * paths can edit it as JSON. A body they cannot edit (binary, compressed, or text that is not a JSON object or array)
 * is recorded as it is; each such response is logged as a WARNING naming the paths, never the body. Immutable and
 * thread-safe.
 */
public final class BodyAsText implements UnaryOperator<StoredResponse> {
    private static final System.Logger LOG = System.getLogger("dev.lambdaidempotency.http");

    private final List<String> paths;

    /** @param paths the body field paths as the user gave them (for the log) */
    public BodyAsText(List<String> paths) {
        this.paths = List.copyOf(paths);
    }

    @Override
    public StoredResponse apply(StoredResponse response) {
        StoredResponse text = response.withTextBody();
        String body = text.body();
        if (body == null || body.isEmpty()) {
            return text;
        }
        if (text.base64Encoded()) {
            warn("binary (base64, not UTF-8 text: compressed or an image, say)", response.statusCode());
        } else if (!startsAsJsonContainer(body)) {
            warn("text that is not JSON", response.statusCode());
        }
        return text;
    }

    private static boolean startsAsJsonContainer(String body) {
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{' || c == '[';
            }
        }
        return false;
    }

    private void warn(String what, int statusCode) {
        LOG.log(System.Logger.Level.WARNING, "a " + statusCode + " response body is " + what + ", so the body "
                + "field paths " + paths + " cannot be applied: the body is recorded as it is, and replays return it");
    }
}
