package dev.lambdaidempotency;

import dev.lambdaidempotency.internal.JsonRedaction;
import dev.lambdaidempotency.internal.ResultRedactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What is removed from a result before it is recorded, so that neither the record (DynamoDB item) nor an offloaded
 * result (S3 object) ever holds it. Pass one to {@link Idempotency#operation(String, Class, Redaction)} or
 * {@link Idempotency#wrap(com.amazonaws.services.lambda.runtime.RequestHandler, Class, Redaction)}:
 *
 * <pre>{@code
 * IdempotentOperation<Receipt> charge = idempotency.operation("charge", Receipt.class,
 *         Redaction.<Receipt>mask("****", "card.number").thenDrop("card.cvc"));
 * // or, typed: Redaction.of(receipt -> receipt.withCard(receipt.card().lastFourOnly()))
 * }</pre>
 *
 * <p><b>What callers get.</b> The first call gets the live, unredacted result. Every repeat gets the redacted form
 * (decoded into the result type): a replay differs from the first response by exactly what was redacted, and
 * callers must accept that. Where the first call only admits the work and the result is recorded later by a worker
 * ({@link IdempotentOperation#resume}, the HTTP adapter's asynchronous mode answering {@code 202 Accepted}), no
 * caller gets the live result: every response is the redacted one. The redacted form is also what an offloaded object's SHA-256 covers and what the local
 * cache holds.
 *
 * <p><b>Steps.</b> The function given to {@link #of} (if any) runs first, on the live result; it must not modify
 * it (the first caller gets it) but return a redacted copy of the same type ({@code null} records no result: repeats
 * get {@code null}). Then the path edits run, in the order given, on the JSON the result codec writes. Paths use
 * the key path syntax ({@code card.number}, {@code lines[0].iban}); a string met with steps left is read as JSON (an
 * API Gateway response's {@code body}, also when marked {@code "isBase64Encoded": true}) and written back as
 * compact JSON; a path that finds nothing (an absent field, a string that is not JSON) changes nothing.
 *
 * <p><b>Fail closed.</b> If the function throws, or the edited JSON no longer reads into the result type (a number
 * masked with a string, say), nothing of the result is stored: the operation, which already ran, is recorded as
 * completed without a result, exactly as when a result cannot be serialized. The first caller still gets its live
 * result; repeats get {@link IdempotencyResultUnavailableException} and the operation is never run again.
 *
 * <p>Instances are immutable and thread-safe; the function must be thread-safe too.
 *
 * @param <T> the result type
 */
public final class Redaction<T> {
    private final ResultRedactor<T> redactor;

    private Redaction(ResultRedactor<T> redactor) {
        this.redactor = redactor;
    }

    /**
     * Redacts with a function of the result.
     *
     * @param redactor returns the form to record: a new value of the same type (or {@code null}), leaving its
     *                 argument unchanged
     * @param <T>      the result type
     * @return the redaction
     */
    public static <T> Redaction<T> of(UnaryOperator<T> redactor) {
        return new Redaction<>(new ResultRedactor<>(Objects.requireNonNull(redactor, "redactor"), List.of()));
    }

    /**
     * Removes fields (or array elements) from the recorded JSON; decoded on replay, a removed field is absent
     * ({@code null} or the type's default).
     *
     * @param paths paths below the root, e.g. {@code card.number}, {@code body.card.number}
     * @param <T>   the result type
     * @return the redaction
     * @throws IllegalArgumentException when a path is malformed or the root, or none is given
     */
    public static <T> Redaction<T> drop(String... paths) {
        return new Redaction<>(new ResultRedactor<T>(null, List.of()).then(edits(paths, null)));
    }

    /**
     * Replaces the values of fields in the recorded JSON with {@code replacement} (a {@code null} value stays
     * {@code null}). Meant for string fields: masking a number or an object fails closed (see the class comment).
     *
     * @param replacement the string stored instead, e.g. {@code "****"}
     * @param paths       paths below the root
     * @param <T>         the result type
     * @return the redaction
     * @throws IllegalArgumentException when a path is malformed or the root, or none is given
     */
    public static <T> Redaction<T> mask(String replacement, String... paths) {
        Objects.requireNonNull(replacement, "replacement");
        return new Redaction<>(new ResultRedactor<T>(null, List.of()).then(edits(paths, replacement)));
    }

    /**
     * This redaction, then {@link #drop(String...)}.
     *
     * @param paths paths below the root
     * @return a new redaction
     * @throws IllegalArgumentException when a path is malformed or the root, or none is given
     */
    public Redaction<T> thenDrop(String... paths) {
        return new Redaction<>(redactor.then(edits(paths, null)));
    }

    /**
     * This redaction, then {@link #mask(String, String...)}.
     *
     * @param replacement the string stored instead
     * @param paths       paths below the root
     * @return a new redaction
     * @throws IllegalArgumentException when a path is malformed or the root, or none is given
     */
    public Redaction<T> thenMask(String replacement, String... paths) {
        Objects.requireNonNull(replacement, "replacement");
        return new Redaction<>(redactor.then(edits(paths, replacement)));
    }

    /** The engine's form of this redaction. */
    ResultRedactor<T> redactor() {
        return redactor;
    }

    private static List<JsonRedaction> edits(String[] paths, String mask) {
        Objects.requireNonNull(paths, "paths");
        if (paths.length == 0) {
            throw new IllegalArgumentException("paths must name at least one field");
        }
        List<JsonRedaction> edits = new ArrayList<>(paths.length);
        for (String path : paths) {
            edits.add(mask == null ? JsonRedaction.drop(path) : JsonRedaction.mask(path, mask));
        }
        return edits;
    }

    /**
     * What this redaction does, without the replacement text.
     *
     * @return e.g. {@code Redaction[ResultRedactor[[mask card.number, drop card.cvc]]]}
     */
    @Override
    public String toString() {
        return "Redaction[" + redactor + "]";
    }
}
