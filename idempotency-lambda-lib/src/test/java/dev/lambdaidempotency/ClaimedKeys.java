package dev.lambdaidempotency;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What a wrapped handler (function name {@code fn}) claims for an event, read from a store that records the claim
 * and stops the invocation there.
 */
final class ClaimedKeys {
    private ClaimedKeys() {
    }



    private static void invoke(IdempotencyStore store, UnaryOperator<IdempotencyConfig.Builder> settings,
            Object event) {
        Idempotency.builder().store(store)
                .config(settings.apply(IdempotencyConfig.builder(Map.of()).functionName("fn")).build()).build()
                .wrap((e, c) -> "ran", String.class).handleRequest(event, null);
    }

    /**
     * @param settings the configuration
     * @param event    the event
     * @return the claim written for {@code event}
     */
    static IdempotencyRecord claim(UnaryOperator<IdempotencyConfig.Builder> settings, Object event) {
        ClaimCapture store = new ClaimCapture();
        assertThrows(ClaimCapture.Stop.class, () -> invoke(store, settings, event));
        return store.claim;
    }

    /**
     * @param settings the configuration
     * @param event    the event
     * @return the record id and payload hash of the claim, as {@code "<id> <payloadHash>"}
     */
    static String keys(UnaryOperator<IdempotencyConfig.Builder> settings, Object event) {
        IdempotencyRecord claim = claim(settings, event);
        return claim.id() + " " + claim.payloadHash();
    }

    /**
     * @param settings the configuration
     * @param event    an event whose keys cannot be derived
     * @return the exception
     */
    static IdempotencyKeyException keyError(UnaryOperator<IdempotencyConfig.Builder> settings, Object event) {
        return assertThrows(IdempotencyKeyException.class, () -> invoke(new ClaimCapture(), settings, event));
    }
}
