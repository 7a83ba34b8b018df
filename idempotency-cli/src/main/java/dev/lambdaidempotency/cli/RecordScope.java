package dev.lambdaidempotency.cli;

import dev.lambdaidempotency.spi.RecordId;
import java.util.Optional;

/**
 * The parts of a record id's scope ({@code functionName [#keySpace] [#@operationName]}, see {@link RecordId}), for
 * grouping and display.
 *
 * @param function  the function name
 * @param keySpace  the key space, or {@code null}
 * @param operation the operation name, or {@code null} for a wrapped handler's record
 */
record RecordScope(String function, String keySpace, String operation) {

    static Optional<RecordScope> of(String id) {
        return RecordId.parse(id).map(recordId -> parse(recordId.scope()));
    }

    static RecordScope parse(String scope) {
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

    String operationColumn() {
        return operation == null ? "(handler)" : operation;
    }
}
