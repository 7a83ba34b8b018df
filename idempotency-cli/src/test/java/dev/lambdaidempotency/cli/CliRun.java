package dev.lambdaidempotency.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import dev.lambdaidempotency.testkit.MutableClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runs the CLI in this JVM through picocli's {@link CommandLine#execute}, against the embedded servers, with a
 * pinned clock and zone, captured stdout and stderr, and a sleeper that records instead of waiting.
 */
final class CliRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final String table;
    private final MutableClock clock;
    final List<Duration> sleeps = new ArrayList<>();

    /** What one run printed and returned. */
    record Result(int exitCode, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + out + "\nstderr: " + err, e);
            }
        }
    }

    CliRun(LocalAwsExtension aws, DynamoDbClient dynamoDb, String table, MutableClock clock) {
        this.dynamoDb = dynamoDb;
        this.s3 = aws.s3Client();
        this.table = table;
        this.clock = clock;
    }

    Result run(String... args) {
        return runWithInput("", args);
    }

    Result runWithInput(String input, String... args) {
        CliContext context = new CliContext(clock, ZoneId.of("Europe/Paris"), duration -> {
                    sleeps.add(duration);
                    clock.advance(duration);
                },
                new BufferedReader(new StringReader(input)),
                options -> new Backend(dynamoDb, () -> s3, options.table != null ? options.table : table,
                        options.bucket, false));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = IdempotencyCli.commandLine(context);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args);
        return new Result(status, out.toString(), err.toString());
    }
}
