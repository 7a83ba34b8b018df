package dev.lambdaidempotency.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command that works on the table: opens the backend, runs, closes it; shared output options. */
abstract class TableCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Mixin
    BackendOptions backendOptions;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--json", description = "Machine-readable output (one JSON document on stdout).")
    boolean json;

    @Option(names = "--record-ttl-seconds", paramLabel = "SECONDS",
            defaultValue = "${env:IDEMPOTENCY_RECORD_TTL_SECONDS:-3600}",
            description = "The functions' record TTL, to tell when a record was claimed or completed (its expiry "
                    + "minus the TTL, as the library derives a replay's recordedAt). Default: "
                    + "IDEMPOTENCY_RECORD_TTL_SECONDS, else 3600.")
    long recordTtlSeconds;

    @Spec
    CommandSpec spec;

    final CliContext context;

    TableCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public final Integer call() throws Exception {
        try (Backend backend = context.backends().open(backendOptions)) {
            return run(backend, new Times(context.zone(), context.clock().instant()));
        }
    }

    RecordView view(Times times) {
        return new RecordView(times, Duration.ofSeconds(recordTtlSeconds));
    }

    abstract int run(Backend backend, Times times) throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    void printJson(Object document) {
        try {
            out().println(JSON.writeValueAsString(document));
            out().flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Options of the commands that scan the table. */
    static final class ScanOptions {
        @Option(names = "--max-rcu", paramLabel = "UNITS", defaultValue = "100",
                description = "Read at most this many read capacity units per second on average, as the Scan "
                        + "responses report them (default: ${DEFAULT-VALUE}).")
        double maxRcu;

        @Option(names = "--page-size", paramLabel = "ITEMS", defaultValue = "500",
                description = "Items per Scan request (default: ${DEFAULT-VALUE}).")
        int pageSize;

        TableScan scan(Backend backend, CliContext context, PrintWriter progress) {
            return new TableScan(backend.dynamoDb(), backend.table(), pageSize,
                    new RcuBudget(maxRcu, context.clock(), context.sleeper()), progress);
        }
    }
}
