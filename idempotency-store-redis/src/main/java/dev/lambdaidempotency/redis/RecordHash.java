package dev.lambdaidempotency.redis;

import dev.lambdaidempotency.IdempotencyRecordUnreadableException;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.StoredResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A record as the fields of one Redis hash, and back. The field names are a persistent format (documented in the
 * README), as the DynamoDB store's default attribute names are: {@code expiration} in epoch seconds,
 * {@code in_progress_expiration} in epoch milliseconds, the same precisions. Immutable and thread-safe.
 */
final class RecordHash {
    static final String STATUS = "status";
    static final String EXPIRATION = "expiration";
    static final String IN_PROGRESS_EXPIRATION = "in_progress_expiration";
    static final String VALIDATION = "validation";
    static final String OWNER = "owner";
    static final String DATA = "data";
    static final String RESULT_BUCKET = "result_bucket";
    static final String RESULT_KEY = "result_key";
    static final String RESULT_SIZE = "result_size";
    static final String RESULT_SHA256 = "result_sha256";
    static final String RESULT_CONTENT_TYPE = "result_content_type";
    static final String RESULT_CONTENT_ENCODING = "result_content_encoding";
    static final String RESULT_UNAVAILABLE = "result_unavailable";

    private RecordHash() {
    }

    /** The record as alternating field names and values, ready for {@code HSET}. */
    static List<String> encode(IdempotencyRecord record) {
        List<String> fields = new ArrayList<>(20);
        add(fields, STATUS, record.status().name());
        add(fields, EXPIRATION, Long.toString(record.expiresAt().getEpochSecond()));
        add(fields, OWNER, record.ownerToken());
        if (record.inProgressExpiresAt() != null) {
            add(fields, IN_PROGRESS_EXPIRATION, Long.toString(record.inProgressExpiresAt().toEpochMilli()));
        }
        if (record.payloadHash() != null) {
            add(fields, VALIDATION, record.payloadHash());
        }
        StoredResult result = record.result();
        if (result instanceof StoredResult.Inline inline) {
            add(fields, DATA, inline.json());
        } else if (result instanceof StoredResult.Offloaded offloaded) {
            ResultPointer p = offloaded.pointer();
            add(fields, RESULT_BUCKET, p.bucket());
            add(fields, RESULT_KEY, p.key());
            add(fields, RESULT_SIZE, Long.toString(p.size()));
            add(fields, RESULT_SHA256, p.sha256());
            add(fields, RESULT_CONTENT_TYPE, p.contentType());
            add(fields, RESULT_CONTENT_ENCODING, p.contentEncoding());
        } else if (result instanceof StoredResult.Unavailable unavailable) {
            add(fields, RESULT_UNAVAILABLE, unavailable.reason());
        }
        return fields;
    }

    /**
     * When Redis should drop the key: the end of the record's last second, since a record counts until its expiry
     * (kept in whole seconds) is before the current second.
     */
    static long expireAtMillis(IdempotencyRecord record) {
        return Math.multiplyExact(record.expiresAt().getEpochSecond() + 1, 1000L);
    }

    /** Decodes {@code HGETALL}'s flat answer (names and values alternating), or fails naming the record. */
    static IdempotencyRecord decode(String id, List<?> flat) {
        if (flat.size() % 2 != 0) {
            throw unreadable(id, "the hash reply has an odd number of elements", null);
        }
        Map<String, String> item = new HashMap<>(flat.size());
        for (int i = 0; i < flat.size(); i += 2) {
            item.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
        }
        try {
            RecordStatus status = parseStatus(id, string(item, STATUS, id));
            Instant expiresAt = Instant.ofEpochSecond(number(item, EXPIRATION, id));
            Instant inProgressExpiresAt = item.containsKey(IN_PROGRESS_EXPIRATION)
                    ? Instant.ofEpochMilli(number(item, IN_PROGRESS_EXPIRATION, id)) : null;
            String owner = string(item, OWNER, id);
            StoredResult result = status == RecordStatus.COMPLETED ? result(item, id) : null;
            return new IdempotencyRecord(id, status, expiresAt, inProgressExpiresAt, item.get(VALIDATION), owner,
                    result);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw unreadable(id, e.getMessage(), e);
        }
    }

    /** Decodes a record whose content is informational only; {@code null} when it is unreadable. */
    static IdempotencyRecord decodeLeniently(String id, List<?> flat) {
        try {
            return decode(id, flat);
        } catch (IdempotencyRecordUnreadableException e) {
            return null;
        }
    }

    private static StoredResult result(Map<String, String> item, String id) {
        if (item.containsKey(DATA)) {
            return new StoredResult.Inline(item.get(DATA));
        }
        if (item.containsKey(RESULT_KEY)) {
            return new StoredResult.Offloaded(new ResultPointer(string(item, RESULT_BUCKET, id),
                    string(item, RESULT_KEY, id), number(item, RESULT_SIZE, id), string(item, RESULT_SHA256, id),
                    string(item, RESULT_CONTENT_TYPE, id), string(item, RESULT_CONTENT_ENCODING, id)));
        }
        if (item.containsKey(RESULT_UNAVAILABLE)) {
            return new StoredResult.Unavailable(item.get(RESULT_UNAVAILABLE));
        }
        throw unreadable(id, "a COMPLETED record has none of " + DATA + ", " + RESULT_KEY + ", "
                + RESULT_UNAVAILABLE, null);
    }

    private static RecordStatus parseStatus(String id, String value) {
        try {
            return RecordStatus.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw unreadable(id, "unknown status \"" + value + "\"", e);
        }
    }

    private static String string(Map<String, String> item, String name, String id) {
        String value = item.get(name);
        if (value == null) {
            throw unreadable(id, "field " + name + " is missing", null);
        }
        return value;
    }

    private static long number(Map<String, String> item, String name, String id) {
        String value = string(item, name, id);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw unreadable(id, "field " + name + " is not a whole number: " + value, e);
        }
    }

    private static void add(List<String> fields, String name, String value) {
        fields.add(name);
        fields.add(value);
    }

    private static IdempotencyRecordUnreadableException unreadable(String id, String why, Throwable cause) {
        return new IdempotencyRecordUnreadableException("idempotency record " + id + " cannot be read: " + why, id,
                cause);
    }
}
