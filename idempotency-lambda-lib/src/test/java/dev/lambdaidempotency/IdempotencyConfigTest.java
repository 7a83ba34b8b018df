package dev.lambdaidempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdempotencyConfigTest {
    private static final Map<String, String> LAMBDA = Map.of("AWS_LAMBDA_FUNCTION_NAME", "orders-fn");

    private static IdempotencyConfig.Builder builder() {
        return IdempotencyConfig.builder(LAMBDA);
    }

    private static String rejected(Consumer<IdempotencyConfig.Builder> setting) {
        IdempotencyConfig.Builder b = builder();
        return assertThrows(IllegalArgumentException.class, () -> {
            setting.accept(b);
            b.build();
        }).getMessage();
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        IdempotencyConfig config = builder().build();
        assertEquals("orders-fn", config.functionName());
        assertNull(config.keySpace());
        assertEquals(List.of(), config.keyPaths());
        assertNull(config.payloadPath());
        assertFalse(config.validatesPayload());
        assertEquals(MissingKeyPolicy.REJECT, config.missingKeyPolicy());
        assertEquals(Duration.ofHours(1), config.recordTtl());
        assertEquals(IdempotencyConfig.DEFAULT_RECORD_TTL, config.recordTtl());
        assertEquals(Duration.ofMinutes(15), config.inProgressLease(), "Lambda's maximum timeout");
        assertEquals(1024, config.maxKeyBytes());
        assertEquals(0, config.localCacheSize());
        assertEquals(8 * 1024, config.offloadThresholdBytes());
        assertEquals(Clock.systemUTC(), config.clock());
    }

    @Test
    void functionNameComesFromTheEnvironmentUnlessSet() {
        assertEquals("orders-fn", builder().build().functionName());
        assertEquals("other", builder().functionName("other").build().functionName());
        assertEquals("explicit", IdempotencyConfig.builder(Map.of()).functionName("explicit").build()
                .functionName());
    }

    @Test
    void missingFunctionNameIsExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IdempotencyConfig.builder(Map.of()).build());
        assertEquals("functionName is required (set it, or AWS_LAMBDA_FUNCTION_NAME when running outside Lambda)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> IdempotencyConfig.builder(Map.of("AWS_LAMBDA_FUNCTION_NAME", "  ")).build(),
                "blank counts as unset");
    }

    @Test
    void recordTtlComesFromTheEnvironment() {
        Map<String, String> env = Map.of("AWS_LAMBDA_FUNCTION_NAME", "fn", "IDEMPOTENCY_RECORD_TTL_SECONDS", " 120 ");
        assertEquals(Duration.ofSeconds(120), IdempotencyConfig.builder(env).build().recordTtl());
        assertEquals(Duration.ofSeconds(5), IdempotencyConfig.builder(env).recordTtl(Duration.ofSeconds(5)).build()
                .recordTtl(), "the builder overrides the environment");
        assertEquals(Duration.ofHours(1), IdempotencyConfig.builder(Map.of("AWS_LAMBDA_FUNCTION_NAME", "fn",
                "IDEMPOTENCY_RECORD_TTL_SECONDS", "")).build().recordTtl(), "blank counts as unset");
    }

    @Test
    void badRecordTtlInTheEnvironmentNamesTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdempotencyConfig.builder(
                Map.of("AWS_LAMBDA_FUNCTION_NAME", "fn", "IDEMPOTENCY_RECORD_TTL_SECONDS", "1h")));
        assertEquals("IDEMPOTENCY_RECORD_TTL_SECONDS must be a whole number of seconds, was \"1h\"", e.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> IdempotencyConfig
                .builder(Map.of("AWS_LAMBDA_FUNCTION_NAME", "fn", "IDEMPOTENCY_RECORD_TTL_SECONDS", "0")).build());
        assertEquals("recordTtl must be positive, was PT0S", zero.getMessage());
    }

    @Test
    void theEnvironmentMapIsCopied() {
        Map<String, String> env = new java.util.HashMap<>(LAMBDA);
        IdempotencyConfig.Builder b = IdempotencyConfig.builder(env);
        env.put("AWS_LAMBDA_FUNCTION_NAME", "changed");
        assertEquals("orders-fn", b.build().functionName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "slash/no", "hash#no", "at@no", "ünïcode"})
    void functionNameMustBeAScopePart(String name) {
        assertEquals("functionName must be 1-140 characters of [A-Za-z0-9._:-], was \"" + name + "\"",
                rejected(b -> b.functionName(name)));
    }

    @Test
    void scopePartsAllowTheDocumentedCharactersUpTo140() {
        String longest = "a".repeat(140);
        assertEquals(longest, builder().functionName(longest).build().functionName());
        assertEquals("A-z_0.9:x", builder().keySpace("A-z_0.9:x").build().keySpace());
        assertTrue(rejected(b -> b.functionName("a".repeat(141))).startsWith("functionName must be 1-140"));
    }

    @Test
    void keySpaceMustBeAScopePart() {
        assertEquals("keySpace must be 1-140 characters of [A-Za-z0-9._:-], was \"v 2\"",
                rejected(b -> b.keySpace("v 2")));
        assertNull(builder().keySpace("v2").keySpace(null).build().keySpace());
    }

    @Test
    void keyPathIsCheckedWhenSet() {
        IdempotencyConfig.Builder b = builder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.keyPath("body..id"));
        assertEquals("malformed path \"body..id\": empty field name", e.getMessage());
        assertEquals(List.of("body.orderId"), builder().keyPath("body.orderId").build().keyPaths());
    }

    @Test
    void keyHeaderLooksInHeadersThenMultiValueHeaders() {
        assertEquals(List.of("headers.Idempotency-Key", "multiValueHeaders.Idempotency-Key[0]"),
                builder().keyHeader("Idempotency-Key").build().keyPaths());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "a.b", "x[0]"})
    void keyHeaderMustBeAPlainName(String name) {
        IdempotencyConfig.Builder b = builder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.keyHeader(name));
        assertEquals("headerName must be a plain header name, was \"" + name + "\"", e.getMessage());
    }

    @Test
    void nullArgumentsAreNamed() {
        assertEquals("headerName", assertThrows(NullPointerException.class, () -> builder().keyHeader(null))
                .getMessage());
        assertEquals("path", assertThrows(NullPointerException.class, () -> builder().keyPath(null)).getMessage());
        assertEquals("path", assertThrows(NullPointerException.class, () -> builder().payloadPath(null))
                .getMessage());
        assertEquals("recordTtl", assertThrows(NullPointerException.class,
                () -> builder().recordTtl(null).build()).getMessage());
        assertEquals("inProgressLease", assertThrows(NullPointerException.class,
                () -> builder().inProgressLease(null).build()).getMessage());
        assertEquals("missingKeyPolicy", assertThrows(NullPointerException.class,
                () -> builder().missingKeyPolicy(null).build()).getMessage());
        assertEquals("clock", assertThrows(NullPointerException.class, () -> builder().clock(null).build())
                .getMessage());
    }

    @Test
    void keyWholeEventResetsAKeyPath() {
        assertEquals(List.of(), builder().keyPath("a").keyWholeEvent().build().keyPaths());
        assertEquals(List.of("b"), builder().keyHeader("X").keyPath("b").build().keyPaths(), "last one wins");
    }

    @Test
    void payloadValidation() {
        IdempotencyConfig body = builder().payloadPath("body").build();
        assertEquals("body", body.payloadPath());
        assertTrue(body.validatesPayload());
        assertEquals("", builder().validatePayload(true).build().payloadPath());
        assertNull(builder().payloadPath("body").validatePayload(false).build().payloadPath());
        IdempotencyConfig.Builder b = builder();
        assertEquals("malformed path \"body[\": expected [index] after 'body'",
                assertThrows(IllegalArgumentException.class, () -> b.payloadPath("body[")).getMessage());
    }

    @Test
    void durationsMustBePositiveAndTheMessageShowsTheValue() {
        assertEquals("recordTtl must be positive, was PT-1S", rejected(b -> b.recordTtl(Duration.ofSeconds(-1))));
        assertEquals("recordTtl must be positive, was PT0S", rejected(b -> b.recordTtl(Duration.ZERO)));
        assertEquals("inProgressLease must be positive, was PT-0.001S",
                rejected(b -> b.inProgressLease(Duration.ofMillis(-1))));
        assertEquals("inProgressLease must be positive, was PT0S", rejected(b -> b.inProgressLease(Duration.ZERO)));
        assertEquals("recordTtl must be at least PT1S (the stored expiry has second precision), was PT0.000000001S",
                rejected(b -> b.recordTtl(Duration.ofNanos(1))));
        assertEquals("recordTtl must be at least PT1S (the stored expiry has second precision), was PT0.999S",
                rejected(b -> b.recordTtl(Duration.ofMillis(999))));
        assertEquals(Duration.ofSeconds(1), builder().recordTtl(Duration.ofSeconds(1)).build().recordTtl());
    }

    @Test
    void sizesAreChecked() {
        assertEquals("maxKeyBytes must be positive, was 0", rejected(b -> b.maxKeyBytes(0)));
        assertEquals("localCacheSize must not be negative, was -1", rejected(b -> b.localCacheSize(-1)));
        assertEquals("offloadThresholdBytes must not be negative, was -1",
                rejected(b -> b.offloadThresholdBytes(-1)));
        IdempotencyConfig ok = builder().maxKeyBytes(1).localCacheSize(0).offloadThresholdBytes(0).build();
        assertEquals(1, ok.maxKeyBytes());
        assertEquals(0, ok.offloadThresholdBytes());
    }

    @Test
    void settingsAreKept() {
        Clock fixed = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
        IdempotencyConfig config = builder().keySpace("v2").keyPath("detail.id").payloadPath("detail")
                .missingKeyPolicy(MissingKeyPolicy.RUN_WITHOUT_IDEMPOTENCY).recordTtl(Duration.ofMinutes(7))
                .inProgressLease(Duration.ofSeconds(30)).maxKeyBytes(64).localCacheSize(10)
                .offloadThresholdBytes(100).clock(fixed).build();
        IdempotencyConfig same = builder().keySpace("v2").keyPath("detail.id").payloadPath("detail")
                .missingKeyPolicy(MissingKeyPolicy.RUN_WITHOUT_IDEMPOTENCY).recordTtl(Duration.ofMinutes(7))
                .inProgressLease(Duration.ofSeconds(30)).maxKeyBytes(64).localCacheSize(10)
                .offloadThresholdBytes(100).clock(fixed).build();
        assertEquals(same, config);
        assertEquals(same.hashCode(), config.hashCode());
        assertNotEquals(config, builder().keySpace("v3").keyPath("detail.id").payloadPath("detail")
                .missingKeyPolicy(MissingKeyPolicy.RUN_WITHOUT_IDEMPOTENCY).recordTtl(Duration.ofMinutes(7))
                .inProgressLease(Duration.ofSeconds(30)).maxKeyBytes(64).localCacheSize(10)
                .offloadThresholdBytes(100).clock(fixed).build());
        assertEquals("IdempotencyConfig[functionName=orders-fn, keySpace=v2, keyPaths=[detail.id], payloadPath=detail, "
                + "missingKeyPolicy=RUN_WITHOUT_IDEMPOTENCY, recordTtl=PT7M, inProgressLease=PT30S, maxKeyBytes=64, "
                + "localCacheSize=10, offloadThresholdBytes=100, clock=" + fixed + "]", config.toString());
        assertSame(fixed, config.clock());
    }

    @Test
    void theConfigurationIsImmutable() {
        IdempotencyConfig config = builder().keyPath("a").build();
        assertEquals(List.of("a"), config.keyPaths());
        assertThrows(UnsupportedOperationException.class, () -> config.keyPaths().add("c"));
    }

    @Test
    void noPublicConstructor() {
        assertEquals(0, IdempotencyConfig.class.getConstructors().length, "built only through the builder");
    }

    @Test
    void defaultFunctionNameAppliesOnlyWithoutTheVariableOrAnExplicitName() {
        assertEquals("local", IdempotencyConfig.builder(Map.of()).defaultFunctionName("local").build()
                .functionName());
        assertEquals("orders-fn", builder().defaultFunctionName("local").build().functionName());
        assertEquals("set", IdempotencyConfig.builder(Map.of()).functionName("set").defaultFunctionName("local")
                .build().functionName());
        assertEquals("defaultFunctionName must be 1-140 characters of [A-Za-z0-9._:-], was \"a b\"",
                assertThrows(IllegalArgumentException.class, () -> IdempotencyConfig.builder(Map.of())
                        .defaultFunctionName("a b").build()).getMessage());
    }
}
