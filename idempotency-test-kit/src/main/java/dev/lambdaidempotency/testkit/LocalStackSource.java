package dev.lambdaidempotency.testkit;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Where the LocalStack tests get LocalStack from, decided once per test run from the environment:
 *
 * <ul>
 *   <li>{@code LOCALSTACK_ENDPOINT} set: that endpoint, which must answer on {@code /_localstack/health}; when it
 *       does not, the LocalStack tests <em>fail</em> (whoever set it asked for LocalStack);</li>
 *   <li>otherwise a Docker engine: a Testcontainers LocalStack ({@code LOCALSTACK_IMAGE} picks the image);</li>
 *   <li>otherwise the tests are skipped with the reason, or fail when {@code REQUIRE_LOCALSTACK=true} (CI, so that a
 *       missing LocalStack cannot pass as a skip).</li>
 * </ul>
 */
sealed interface LocalStackSource {
    String ENDPOINT_VARIABLE = "LOCALSTACK_ENDPOINT";
    String IMAGE_VARIABLE = "LOCALSTACK_IMAGE";
    String REQUIRED_VARIABLE = "REQUIRE_LOCALSTACK";
    String DEFAULT_IMAGE = "localstack/localstack:3.8";
    /** How this repository starts one; a user of the test kit reads it as an example. */
    String HOW_TO_START = "in this repository: scripts/localstack.sh up";

    /**
     * A running LocalStack that answered its health check.
     *
     * @param uri the endpoint, e.g. {@code http://127.0.0.1:4566}
     */
    record Endpoint(URI uri) implements LocalStackSource {
    }

    /**
     * A container to start with Testcontainers.
     *
     * @param image the image
     */
    record Docker(String image) implements LocalStackSource {
    }

    /**
     * No LocalStack, and none was required: the tests are skipped.
     *
     * @param reason why, for the test report
     */
    record Skip(String reason) implements LocalStackSource {
    }

    /**
     * LocalStack was asked for and cannot be had: the tests fail.
     *
     * @param message one line: what is wrong and what to do
     */
    record Fail(String message) implements LocalStackSource {
    }

    /**
     * Decides where LocalStack comes from.
     *
     * @param environment     the process environment
     * @param dockerAvailable whether a Docker engine answers (asked only when no endpoint is set)
     * @param healthProblem   what is wrong with an endpoint ("connection refused"), or {@code null} when it answers
     *                        as LocalStack (asked only when an endpoint is set)
     * @return the decision
     */
    static LocalStackSource choose(Map<String, String> environment, BooleanSupplier dockerAvailable,
            Function<URI, String> healthProblem) {
        String required = environment.getOrDefault(REQUIRED_VARIABLE, "").trim().toLowerCase(Locale.ROOT);
        if (!required.isEmpty() && !required.equals("true") && !required.equals("false")) {
            return new Fail(REQUIRED_VARIABLE + " must be true or false, was '" + environment.get(REQUIRED_VARIABLE)
                    + "'");
        }
        String endpoint = environment.getOrDefault(ENDPOINT_VARIABLE, "").trim();
        if (!endpoint.isEmpty()) {
            URI uri = httpUri(endpoint);
            if (uri == null) {
                return new Fail(ENDPOINT_VARIABLE + " must be an http(s) URL such as http://127.0.0.1:4566, was '"
                        + endpoint + "'");
            }
            String problem = healthProblem.apply(uri);
            return problem == null ? new Endpoint(uri)
                    : new Fail(ENDPOINT_VARIABLE + "=" + endpoint + " does not answer (" + problem
                            + "): start LocalStack there (" + HOW_TO_START + ") or unset " + ENDPOINT_VARIABLE);
        }
        if (dockerAvailable.getAsBoolean()) {
            String image = environment.getOrDefault(IMAGE_VARIABLE, "").trim();
            return new Docker(image.isEmpty() ? DEFAULT_IMAGE : image);
        }
        String missing = "no Docker engine was found and " + ENDPOINT_VARIABLE + " is not set";
        return required.equals("true")
                ? new Fail(REQUIRED_VARIABLE + "=true but LocalStack is not available: " + missing + " (" + HOW_TO_START
                        + ", then " + ENDPOINT_VARIABLE + "=http://127.0.0.1:4566)")
                : new Skip("LocalStack is not available: " + missing + " (set it to a running LocalStack, e.g. "
                        + "http://127.0.0.1:4566; " + REQUIRED_VARIABLE + "=true turns this skip into a failure)");
    }

    private static URI httpUri(String text) {
        try {
            URI uri = new URI(text);
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            return http && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
