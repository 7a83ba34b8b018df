package dev.lambdaidempotency.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.spi.IdempotencyMetricsSink;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.RecordId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Which record a request maps to, computed by the library itself: an {@link Idempotency} instance configured like
 * the deployed function (function name, key space, key selection) answers {@link Idempotency#recordId(Object)} for a
 * handler's event, and its {@link dev.lambdaidempotency.IdempotentOperation#recordId(String)} for an operation's
 * key. Nothing here hashes or canonicalizes: the id is the one an invocation would claim.
 */
final class KeySelection {
    private static final ObjectMapper EVENTS = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    @Option(names = "--function", paramLabel = "NAME",
            description = "The function's record scope: its name in Lambda (AWS_LAMBDA_FUNCTION_NAME), or the "
                    + "functionName it configures.")
    String function;

    @Option(names = "--key-space", paramLabel = "NAME", description = "The function's keySpace, if it sets one.")
    String keySpace;

    @Option(names = "--operation", paramLabel = "NAME",
            description = "An operation's name (Idempotency.operation(NAME, ...)); the HTTP adapter's is \"http\", "
                    + "the batch adapter's the one it was given.")
    String operation;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** Exactly one of: a record id, a key, a header, an event. */
    static final class Source {
        @Option(names = "--id", paramLabel = "ID", description = "A record id as stored (from stuck, say).")
        String id;

        @Option(names = "--key", paramLabel = "KEY",
                description = "The key: an operation's explicit key, or the value a handler's key selection finds "
                        + "(a header's or a key path's value).")
        String key;

        @Option(names = "--header", paramLabel = "'NAME: VALUE'",
                description = "A request header carrying the key, for a handler configured with keyHeader(NAME).")
        String header;

        @Option(names = "--event", paramLabel = "FILE",
                description = "An event (JSON), keyed as the function keys it: see --key-path and --key-header.")
        Path event;
    }

    @Option(names = "--key-path", paramLabel = "PATH",
            description = "With --event: the function's keyPath (default: the whole event is the key).")
    String keyPath;

    @Option(names = "--key-header", paramLabel = "NAME",
            description = "With --event: the function's keyHeader.")
    String keyHeader;

    @Option(names = "--max-key-bytes", paramLabel = "BYTES", defaultValue = "1024",
            description = "The function's maxKeyBytes (default: ${DEFAULT-VALUE}, the library's).")
    int maxKeyBytes;

    RecordId recordId(IdempotencyStore store) {
        if (source.id != null) {
            return RecordId.parse(source.id).orElseThrow(() -> new CliFailure(ExitCodes.USAGE,
                    "not a record id (scope#64 hex digits): " + source.id));
        }
        if (function == null) {
            throw new CliFailure(ExitCodes.USAGE, "--function is required with --key, --header and --event");
        }
        IdempotencyConfig.Builder config = IdempotencyConfig.builder(Map.of()).functionName(function)
                .keySpace(keySpace)
                .maxKeyBytes(maxKeyBytes);
        if (operation != null) {
            if (source.key == null) {
                throw new CliFailure(ExitCodes.USAGE, "an operation's records are found by their explicit key: pass "
                        + "--key (for the HTTP adapter, the Idempotency-Key header's value)");
            }
            return idempotency(store, config).operation(operation, Object.class).recordId(source.key);
        }
        Object event;
        if (source.key != null) {
            config.keyPath("key");
            event = Map.of("key", source.key);
        } else if (source.header != null) {
            int colon = source.header.indexOf(':');
            if (colon <= 0) {
                throw new CliFailure(ExitCodes.USAGE, "--header takes 'NAME: VALUE', was \"" + source.header + "\"");
            }
            String name = source.header.substring(0, colon).trim();
            config.keyHeader(name);
            event = Map.of("headers", Map.of(name, source.header.substring(colon + 1).trim()));
        } else {
            if (keyPath != null && keyHeader != null) {
                throw new CliFailure(ExitCodes.USAGE, "--key-path and --key-header exclude each other");
            }
            if (keyPath != null) {
                config.keyPath(keyPath);
            } else if (keyHeader != null) {
                config.keyHeader(keyHeader);
            }
            event = readEvent(source.event);
        }
        return idempotency(store, config).recordId(event).orElseThrow(() -> new CliFailure(ExitCodes.NOT_FOUND,
                "the event carries no key at " + (keyPath != null ? keyPath : keyHeader != null ? "header "
                        + keyHeader : "$") + ": the function runs it without a record"));
    }

    private static Idempotency idempotency(IdempotencyStore store, IdempotencyConfig.Builder config) {
        try {
            return Idempotency.builder().store(store).metrics(IdempotencyMetricsSink.NONE).config(config.build())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CliFailure(ExitCodes.USAGE, e.getMessage());
        }
    }

    private static Object readEvent(Path file) {
        try {
            return EVENTS.readValue(file.toFile(), Object.class);
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.USAGE, "cannot read the event " + file + ": " + e.getMessage());
        }
    }
}
