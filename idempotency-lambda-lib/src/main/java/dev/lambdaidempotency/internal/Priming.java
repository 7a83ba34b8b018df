package dev.lambdaidempotency.internal;

import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.IdempotencyTracer;
import dev.lambdaidempotency.spi.RecordId;
import dev.lambdaidempotency.spi.ResultStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Warms what the first invocation would otherwise load and initialize (key selection and canonical JSON with
 * SHA-256 on a representative event, the claim/record/replay protocol with each wrapped result type's codec, record
 * and object encoding, metrics formatting), entirely in memory: the record store and result store are asked to prime
 * themselves (no I/O by contract), and the protocol runs against a private in-memory store. Nothing is written to the
 * table or the bucket, no metrics line is emitted, and the real engine's local cache is untouched. Each step is
 * best effort: a failure is logged and the next step runs. Thread-safe.
 */
public final class Priming {
    private static final System.Logger LOG = new LazyLogger("dev.lambdaidempotency");

    private final IdempotencyConfig config;
    private final String scope;
    private final IdempotencyStore store;
    private final ResultStore resultStore;
    private final IdempotencyMetricsSink metrics;
    private final RequestKeys keys;
    private final String keyDescription;
    private final List<Target<?>> targets = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> completed = new ConcurrentHashMap<>();

    /**
     * @param config         the instance's settings (key paths, clock, TTLs)
     * @param scope          the instance's record scope
     * @param store          asked to {@link IdempotencyStore#prime()}; never called otherwise
     * @param resultStore    asked to {@link ResultStore#prime()}, or {@code null}
     * @param metrics        asked to {@link IdempotencyMetricsSink#prime()}
     * @param keys           the wrapped handlers' key derivation
     * @param keyDescription describes the key selection, as in error messages
     */
    public Priming(IdempotencyConfig config, String scope, IdempotencyStore store, ResultStore resultStore,
            IdempotencyMetricsSink metrics, RequestKeys keys, String keyDescription) {
        this.config = Objects.requireNonNull(config, "config");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.store = Objects.requireNonNull(store, "store");
        this.resultStore = resultStore;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.keyDescription = keyDescription;
    }

    /**
     * Adds a wrapped result type: priming replays a sample of it and records it again through {@code codec}.
     *
     * @param type  the result type, which chooses the sample JSON
     * @param codec the codec the wrapper uses
     * @param <T>   the result type
     * @return {@code codec}
     */
    public <T> dev.lambdaidempotency.spi.ResultCodec.Binding<T> register(Class<T> type, dev.lambdaidempotency.spi.ResultCodec.Binding<T> codec) {
        add(new Target<>("result:" + type.getName(), codec, samplesFor(type)));
        return codec;
    }

    /** Adds the stream handlers' stored form of their output. */
    public void registerStreamOutput() {
        add(new Target<>("result:stream-output", StreamOutputCodec.CODEC,
                List.of("{\"" + StreamOutputCodec.TEXT + "\":\"prime\"}")));
    }

    /** One target per result type: handlers of one instance share its mapper, so their codecs are alike. */
    private synchronized void add(Target<?> target) {
        if (targets.stream().noneMatch(t -> t.name().equals(target.name()))) {
            targets.add(target);
        }
    }

    /** Runs every step once, in memory. Never throws: priming is an optimization. */
    public void run() {
        step("keys:event", () -> keys.fromEvent(RepresentativeEvent.of(config.keyPaths(), config.payloadPath()),
                keyDescription));
        step("keys:explicit", () -> keys.fromExplicit(RepresentativeEvent.SAMPLE_KEY,
                Map.of("amount", 1, "currency", "EUR")));
        List<Target<?>> registered = List.copyOf(targets);
        for (int i = 0; i < registered.size(); i++) {
            Target<?> target = registered.get(i);
            int index = i;
            step(target.name(), () -> runProtocol(target, index));
        }
        step("store", store::prime);
        if (resultStore != null) {
            step("result-store", resultStore::prime);
        }
        step("metrics", metrics::prime);
    }

    /**
     * How often each step has completed (for tests and diagnostics).
     *
     * @return step name to completed runs, in no particular order
     */
    public Map<String, Integer> completedSteps() {
        return Map.copyOf(completed);
    }

    /**
     * Whether the CRaC API ({@code org.crac:crac}) is on the classpath, without loading it.
     *
     * @return true when {@code org.crac.Resource} can be loaded
     */
    public static boolean cracAvailable() {
        try {
            Class.forName("org.crac.Resource", false, Priming.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private void step(String name, Runnable body) {
        try {
            body.run();
            completed.merge(name, 1, Integer::sum);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "priming step " + name + " failed; the first invocation pays for "
                    + "it instead", e);
        }
    }

    /**
     * A replay of a sample stored result (decoding it into the result type), then an execution that records that
     * value (encoding it): the engine's real protocol and the wrapper's codec, against a private in-memory store.
     */
    private <T> void runProtocol(Target<T> target, int index) {
        PrimingStore records = new PrimingStore();
        IdempotencyEngine engine = new IdempotencyEngine(config, records, null, IdempotencyTracer.NONE,
                IdempotencyMetricsSink.NONE);
        RuntimeException last = null;
        for (String sample : target.samples()) {
            RecordId replayed = sampleId(index + "#" + sample + "#replay");
            records.seed(replayed.value(), sample, config.clock().instant());
            try {
                T value = engine.execute(scope, replayed, null, null, target.codec(), () -> {
                    throw new IllegalStateException("a primed replay never runs the operation");
                }).result();
                engine.execute(scope, sampleId(index + "#" + sample + "#execute"), null, null, target.codec(),
                        () -> value);
                return;
            } catch (RuntimeException e) {
                last = e; // the sample does not fit the type: try the next
            }
        }
        throw last;
    }

    private static RecordId sampleId(String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return new RecordId("prime", HexFormat.of().formatHex(hash));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    /** JSON that the type most likely reads, most likely first; the protocol tries them in turn. */
    static List<String> samplesFor(Class<?> type) {
        List<String> samples = new ArrayList<>(List.of("{}", "\"prime\"", "0", "false", "[]"));
        String first;
        if (CharSequence.class.isAssignableFrom(type) || type == Character.class || type == char.class
                || type.isEnum()) {
            first = "\"prime\"";
        } else if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            first = "0";
        } else if (type == Boolean.class || type == boolean.class) {
            first = "false";
        } else if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            first = "[]";
        } else {
            first = "{}";
        }
        samples.remove(first);
        samples.add(0, first);
        return List.copyOf(samples);
    }

    /** A wrapped result type: its codec and the sample stored results to try. */
    private record Target<T>(String name, dev.lambdaidempotency.spi.ResultCodec.Binding<T> codec, List<String> samples) {
    }
}
