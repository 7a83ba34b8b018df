package dev.lambdaidempotency.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A path into a JSON body: dot-separated field names with optional {@code [index]} suffixes. Immutable. */
final class BodyPath {
    private static final Pattern STEP = Pattern.compile("([^.\\[\\]]+)((?:\\[\\d+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    private final String expression;
    private final List<Object> steps;

    private BodyPath(String expression, List<Object> steps) {
        this.expression = expression;
        this.steps = steps;
    }

    static BodyPath parse(String expression) {
        Objects.requireNonNull(expression, "keyPath");
        List<Object> steps = new ArrayList<>();
        for (String part : expression.trim().split("\\.", -1)) {
            Matcher step = STEP.matcher(part);
            if (!step.matches()) {
                throw new IllegalArgumentException("keyPath must be field names separated by '.', each with optional"
                        + " [index] suffixes (e.g. order.lines[0].sku), was \"" + expression + "\"");
            }
            steps.add(step.group(1));
            Matcher index = INDEX.matcher(step.group(2));
            while (index.find()) {
                steps.add(Integer.parseInt(index.group(1)));
            }
        }
        return new BodyPath(expression.trim(), List.copyOf(steps));
    }

    /** The key at this path: a scalar's text, a container's JSON; {@code null} when absent, JSON null or the body is not JSON. */
    String select(JsonNode root) {
        if (root == null) {
            return null;
        }
        JsonNode node = root;
        for (Object step : steps) {
            node = step instanceof Integer index ? node.path(index) : node.path((String) step);
        }
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    @Override
    public String toString() {
        return expression;
    }
}
