package dev.lambdaidempotency.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;

/** The statements of {@code schema.sql} for one table name. Stateless. */
final class Schema {
    private Schema() {
    }

    /**
     * The statements of {@link PostgresIdempotencyStore#SCHEMA_RESOURCE} for a table name: comments removed, the
     * table name {@code idempotency} and the index name {@code idempotency_expiration_idx} replaced.
     *
     * @param tableName the table name, possibly schema-qualified (the index takes the bare name)
     * @return the statements, in order
     */
    static List<String> statements(String tableName) {
        String text;
        try (InputStream in = Schema.class.getResourceAsStream(PostgresIdempotencyStore.SCHEMA_RESOURCE)) {
            text = new String(Objects.requireNonNull(in, PostgresIdempotencyStore.SCHEMA_RESOURCE).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String bareName = tableName.substring(tableName.lastIndexOf('.') + 1);
        String renamed = text.replaceAll("--[^\n]*", "")
                .replaceAll("\\bidempotency_expiration_idx\\b", Matcher.quoteReplacement(bareName + "_expiration_idx"))
                .replaceAll("\\bidempotency\\b", Matcher.quoteReplacement(tableName));
        List<String> statements = new ArrayList<>();
        for (String statement : renamed.split(";")) {
            if (!statement.isBlank()) {
                statements.add(statement.strip());
            }
        }
        return statements;
    }
}
