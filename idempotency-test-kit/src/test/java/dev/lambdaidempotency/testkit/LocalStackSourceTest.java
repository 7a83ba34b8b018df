package dev.lambdaidempotency.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LocalStackSourceTest {
    private final List<URI> probed = new ArrayList<>();
    private boolean dockerAsked;

    private LocalStackSource choose(Map<String, String> environment, boolean docker, String healthProblem) {
        Function<URI, String> probe = uri -> {
            probed.add(uri);
            return healthProblem;
        };
        return LocalStackSource.choose(environment, () -> {
            dockerAsked = true;
            return docker;
        }, probe);
    }

    @Test
    void aHealthyEndpointIsUsedWithoutAskingForDocker() {
        LocalStackSource source = choose(Map.of("LOCALSTACK_ENDPOINT", "http://127.0.0.1:4566"), true, null);

        assertEquals(new LocalStackSource.Endpoint(URI.create("http://127.0.0.1:4566")), source);
        assertEquals(List.of(URI.create("http://127.0.0.1:4566")), probed);
        assertFalse(dockerAsked);
    }

    @Test
    void aDeadEndpointFailsWithOneLineSayingWhatToDo() {
        LocalStackSource source = choose(Map.of("LOCALSTACK_ENDPOINT", "http://127.0.0.1:4566"), true,
                "connection refused");

        assertEquals(new LocalStackSource.Fail("LOCALSTACK_ENDPOINT=http://127.0.0.1:4566 does not answer "
                + "(connection refused): start LocalStack there (in this repository: scripts/localstack.sh up) "
                + "or unset LOCALSTACK_ENDPOINT"), source);
        assertFalse(dockerAsked, "an endpoint that was asked for is not silently replaced by a container");
    }

    @Test
    void anEndpointThatIsNotAnHttpUrlFailsWithoutAProbe() {
        LocalStackSource source = choose(Map.of("LOCALSTACK_ENDPOINT", "localhost:4566"), false, null);

        assertEquals(new LocalStackSource.Fail("LOCALSTACK_ENDPOINT must be an http(s) URL such as "
                + "http://127.0.0.1:4566, was 'localhost:4566'"), source);
        assertTrue(probed.isEmpty());
    }

    @Test
    void aBlankEndpointCountsAsUnset() {
        assertEquals(new LocalStackSource.Docker("localstack/localstack:3.8"),
                choose(Map.of("LOCALSTACK_ENDPOINT", " "), true, null));
        assertTrue(probed.isEmpty());
    }

    @Test
    void withoutAnEndpointDockerIsUsedWithTheChosenImage() {
        assertEquals(new LocalStackSource.Docker("localstack/localstack:3.8"), choose(Map.of(), true, null));
        assertEquals(new LocalStackSource.Docker("example/localstack:9"),
                choose(Map.of("LOCALSTACK_IMAGE", "example/localstack:9"), true, null));
    }

    @Test
    void withNeitherTheTestsAreSkippedWithTheReason() {
        LocalStackSource source = choose(Map.of(), false, null);

        assertEquals(new LocalStackSource.Skip("LocalStack is not available: no Docker engine was found and "
                + "LOCALSTACK_ENDPOINT is not set (set it to a running LocalStack, e.g. http://127.0.0.1:4566; "
                + "REQUIRE_LOCALSTACK=true turns this skip into a failure)"), source);
        assertEquals(source, choose(Map.of("REQUIRE_LOCALSTACK", "false"), false, null));
    }

    @Test
    void requiredLocalStackTurnsTheSkipIntoAFailure() {
        LocalStackSource source = choose(Map.of("REQUIRE_LOCALSTACK", "TRUE"), false, null);

        assertEquals(new LocalStackSource.Fail("REQUIRE_LOCALSTACK=true but LocalStack is not available: no Docker "
                + "engine was found and LOCALSTACK_ENDPOINT is not set (in this repository: scripts/localstack.sh "
                + "up, then LOCALSTACK_ENDPOINT=http://127.0.0.1:4566)"), source);
    }

    @Test
    void requiredLocalStackIsSatisfiedByEitherSource() {
        assertEquals(new LocalStackSource.Docker("localstack/localstack:3.8"),
                choose(Map.of("REQUIRE_LOCALSTACK", "true"), true, null));
        assertEquals(new LocalStackSource.Endpoint(URI.create("http://localhost:4566")),
                choose(Map.of("REQUIRE_LOCALSTACK", "true", "LOCALSTACK_ENDPOINT", "http://localhost:4566"), false,
                        null));
    }

    @Test
    void anUnclearRequirementFailsRatherThanGuessing() {
        assertEquals(new LocalStackSource.Fail("REQUIRE_LOCALSTACK must be true or false, was 'yes'"),
                choose(Map.of("REQUIRE_LOCALSTACK", "yes", "LOCALSTACK_ENDPOINT", "http://127.0.0.1:4566"), true,
                        null));
        assertTrue(probed.isEmpty());
    }
}
