package dev.lambdaidempotency.benchmarks.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Writes the Markdown report. */
final class Report {
    static final String COMMAND = "mvn -B -Pbenchmarks -DskipTests -pl benchmarks/runner -am verify";
    private static final double MIB = 1024.0 * 1024.0;

    private final StringBuilder out = new StringBuilder();

    Report line(String text) {
        out.append(text).append('\n');
        return this;
    }

    Report blank() {
        return line("");
    }

    Report row(Object... cells) {
        StringBuilder b = new StringBuilder("|");
        for (Object cell : cells) {
            b.append(' ').append(cell).append(" |");
        }
        return line(b.toString());
    }

    Report header(String... cells) {
        row((Object[]) cells);
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            b.append("---|");
        }
        return line(b.toString());
    }

    @Override
    public String toString() {
        return out.toString();
    }

    static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1000.0);
    }

    static String signedMicros(long nanos) {
        return String.format(Locale.ROOT, "%+.1f", nanos / 1000.0);
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    static String signedMillis(long nanos) {
        return String.format(Locale.ROOT, "%+.1f", nanos / 1e6);
    }

    static String perCall(long total, int calls) {
        return calls == 0 ? "–" : String.format(Locale.ROOT, "%.2f", (double) total / calls);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / MIB);
    }

    static String signedMib(long bytes) {
        return String.format(Locale.ROOT, "%+.2f MiB", bytes / MIB);
    }

    static String bytes(long bytes) {
        return String.format(Locale.ROOT, "%,d", bytes);
    }

    static String signedBytes(long bytes) {
        return String.format(Locale.ROOT, "%+,d", bytes);
    }

    /** Warm per-invocation table. */
    void warm(List<WarmBenchmark.Case> cases) {
        header("case", "variant", "n", "median wall µs", "p99 wall µs", "median caller CPU µs",
                "DynamoDB req/inv", "S3 req/inv", "ours − floor: wall / CPU µs (median)");
        for (WarmBenchmark.Case c : cases) {
            WarmBenchmark.Variant floor = c.variant("floor");
            for (WarmBenchmark.Variant v : c.variants) {
                if (!v.measured()) {
                    row(c.title, v.name, "–", v.pending, "", "", "", "", "");
                    continue;
                }
                int n = v.wall.size();
                String delta = "";
                WarmBenchmark.Variant bare = c.variant("bare");
                if (v.name.equals(WarmBenchmark.IN_MEMORY) && bare != null) {
                    delta = "above bare: " + signedMicros(v.wall.median() - bare.wall.median()) + " / "
                            + signedMicros(v.cpu.median() - bare.cpu.median());
                } else if ((v.name.startsWith("ours") || v.name.equals(WarmBenchmark.AGAIN)) && floor != null
                        && floor.measured()) {
                    delta = signedMicros(v.wall.median() - floor.wall.median()) + " / "
                            + signedMicros(v.cpu.median() - floor.cpu.median());
                }
                row(c.title, v.name, n, micros(v.wall.median()), micros(v.wall.p99()), micros(v.cpu.median()),
                        perCall(v.dynamoDbRequests, n), perCall(v.s3Requests, n), delta);
            }
        }
    }

    /** Contention table. */
    void contention(List<ContentionBenchmark.Result> results) {
        header("threads", "variant", "repetitions", "executions per key (min–max)",
                "first answers: result / in progress", "every caller answered: median / max ms",
                "every caller holds the result: median / max ms", "retries per caller", "DynamoDB req per caller");
        for (ContentionBenchmark.Result r : results) {
            long callers = (long) r.threads * r.repetitions;
            row(r.threads, r.variant, r.repetitions, r.minExecutions + "–" + r.maxExecutions,
                    r.results + " / " + r.inProgress,
                    millis(r.firstAnswers.median()) + " / " + millis(r.firstAnswers.max()),
                    millis(r.allResults.median()) + " / " + millis(r.allResults.max()),
                    String.format(Locale.ROOT, "%.2f", (double) r.retries / callers),
                    String.format(Locale.ROOT, "%.2f", (double) r.requests / callers));
        }
    }

    /** Cold-start table. */
    void coldStart(Map<String, ColdStartBenchmark.Result> results) {
        header("variant", "what runs", "runs", "start → end of first invocation, median ms", "min / max ms",
                "JVM start → main ms", "construction (clients) ms", "first invocation ms",
                "classes loaded (median)");
        for (ColdStartBenchmark.Result r : results.values()) {
            row(r.variant.name(), r.variant.description(), r.total.size(), millis(r.total.median()),
                    millis(r.total.percentile(0.0001)) + " / " + millis(r.total.max()), millis(r.jvm.median()),
                    millis(r.init.median()), millis(r.invoke.median()), r.classes.median());
        }
    }

    /** Jar tables. */
    void jars(JarSizes.Jar bare, JarSizes.Jar ours) {
        header("shaded jar", "bytes", "size");
        row("bare function + DynamoDbClient (url-connection)", bytes(bare.fileBytes()), mib(bare.fileBytes()));
        row("same + lambda-idempotency", bytes(ours.fileBytes()), mib(ours.fileBytes()));
        row("**added**", signedBytes(ours.fileBytes() - bare.fileBytes()),
                signedMib(ours.fileBytes() - bare.fileBytes()));
        blank();
        line("What the added bytes consist of (compressed bytes of the entries; the rest of a jar's size is zip "
                + "headers, about 100 bytes per entry):");
        blank();
        header("component", "entries (bare → ours)", "compressed bytes (bare → ours)", "added bytes");
        Set<String> names = new TreeSet<>(bare.groups().keySet());
        names.addAll(ours.groups().keySet());
        List<String[]> rows = new ArrayList<>();
        long addedEntries = 0;
        for (String name : names) {
            JarSizes.Group b = bare.groups().getOrDefault(name, new JarSizes.Group(0, 0));
            JarSizes.Group o = ours.groups().getOrDefault(name, new JarSizes.Group(0, 0));
            if (b.equals(o)) {
                continue;
            }
            addedEntries += o.entries() - b.entries();
            rows.add(new String[] {name, b.entries() + " → " + o.entries(),
                bytes(b.compressedBytes()) + " → " + bytes(o.compressedBytes()),
                signedBytes(o.compressedBytes() - b.compressedBytes())});
        }
        rows.sort((x, y) -> Long.compare(Long.parseLong(y[3].replaceAll("[^0-9-]", "")),
                Long.parseLong(x[3].replaceAll("[^0-9-]", ""))));
        rows.forEach(r -> row((Object[]) r));
        row("zip headers of the " + addedEntries + " added entries", "", "",
                signedBytes(ours.fileBytes() - bare.fileBytes() - rows.stream()
                        .mapToLong(r -> Long.parseLong(r[3].replaceAll("[^0-9-]", ""))).sum()));
    }
}
