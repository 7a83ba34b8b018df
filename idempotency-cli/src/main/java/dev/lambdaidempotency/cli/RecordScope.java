package dev.lambdaidempotency.cli;

import dev.lambdaidempotency.spi.RecordId;
import java.util.Optional;

/**
 * The parts of a record id's scope ({@code functionName [#keySpace] [#@operationName] [#@@handover]}, see
 * {@link RecordId}), for grouping and display. The {@code #@@handover} suffix marks the asynchronous mode's
 * hand-over record, which the core keeps beside the key's own record while a worker runs the work.
 *
 * @param function  the function name
 * @param keySpace  the key space, or {@code null}
 * @param operation the operation name, or {@code null} for a wrapped handler's record
 * @param handOver  whether this is the hand-over record of an asynchronous operation
 */
record RecordScope(String function, String keySpace, String operation, boolean handOver) {
    static final String HAND_OVER_SUFFIX = "#@@handover";

    RecordScope(String function, String keySpace, String operation) {
        this(function, keySpace, operation, false);
    }

    static Optional<RecordScope> of(String id) {
        return RecordId.parse(id).map(recordId -> parse(recordId.scope()));
    }

    static RecordScope parse(String scope) {
        if (scope.endsWith(HAND_OVER_SUFFIX)) {
            RecordScope key = parse(scope.substring(0, scope.length() - HAND_OVER_SUFFIX.length()));
            return new RecordScope(key.function, key.keySpace, key.operation, true);
        }
        String operation = null;
        String rest = scope;
        int at = scope.indexOf("#@");
        if (at >= 0) {
            operation = scope.substring(at + 2);
            rest = scope.substring(0, at);
        }
        int hash = rest.indexOf('#');
        return hash < 0 ? new RecordScope(rest, null, operation)
                : new RecordScope(rest.substring(0, hash), rest.substring(hash + 1), operation);
    }

    /** {@code payments}, {@code payments#eu}: the function and key space, as one column. */
    String functionColumn() {
        return keySpace == null ? function : function + "#" + keySpace;
    }

    /** {@code charge}, {@code (handler)}, {@code http (async hand-over)}. */
    String operationColumn() {
        String name = operation == null ? "(handler)" : operation;
        return handOver ? name + " (async hand-over)" : name;
    }
}
