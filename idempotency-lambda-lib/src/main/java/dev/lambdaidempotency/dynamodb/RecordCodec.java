package dev.lambdaidempotency.dynamodb;

import dev.lambdaidempotency.IdempotencyRecordUnreadableException;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore.RecordAttributes;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.StoredResult;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Request shapes and item encoding of {@link DynamoDbIdempotencyStore}. Expressions and name maps are built once;
 * only values change per request. Immutable and thread-safe.
 */
final class RecordCodec {
    static final String CLAIM_CONDITION =
            "attribute_not_exists(#id) OR #exp < :now OR (#status = :inprogress AND #ipexp < :nowms)";
    static final String OWNER_CONDITION = "#status = :inprogress AND #owner = :owner";
    /** Completion: still our claim, or no record at all (swept or deleted while we ran: nobody else owns it). */
    static final String COMPLETE_CONDITION = "attribute_not_exists(#id) OR (" + OWNER_CONDITION + ")";

    /**
     * Renewal: still our claim, not expired, and its lease earlier than the new one (a lease is never shortened; a
     * refusal returns the record, so "ours, already as late" is told from the others without a second request).
     */
    static final String RENEW_CONDITION = OWNER_CONDITION + " AND #exp >= :now AND #ipexp < :ipexp";
    static final String RENEW_UPDATE = "SET #ipexp = :ipexp, #exp = :exp";

    private static final AttributeValue IN_PROGRESS = AttributeValue.fromS(RecordStatus.IN_PROGRESS.name());
    private static final AttributeValue COMPLETED = AttributeValue.fromS(RecordStatus.COMPLETED.name());

    private final RecordAttributes names;
    private final Map<String, String> claimNames;
    private final Map<String, String> ownerNames;
    private final Map<String, String> completeNames;
    private final Map<String, String> renewNames;

    RecordCodec(RecordAttributes names) {
        this.names = names;
        this.claimNames = Map.of("#id", names.key(), "#exp", names.expiry(), "#status", names.status(),
                "#ipexp", names.inProgressExpiry());
        this.ownerNames = Map.of("#status", names.status(), "#owner", names.owner());
        this.completeNames = Map.of("#id", names.key(), "#status", names.status(), "#owner", names.owner());
        this.renewNames = Map.of("#status", names.status(), "#owner", names.owner(), "#exp", names.expiry(),
                "#ipexp", names.inProgressExpiry());
    }

    PutItemRequest claimRequest(String table, IdempotencyRecord claim, Instant now) {
        return PutItemRequest.builder()
                .tableName(table)
                .item(encode(claim))
                .conditionExpression(CLAIM_CONDITION)
                .expressionAttributeNames(claimNames)
                .expressionAttributeValues(Map.of(
                        ":now", AttributeValue.fromN(Long.toString(now.getEpochSecond())),
                        ":nowms", AttributeValue.fromN(Long.toString(now.toEpochMilli())),
                        ":inprogress", IN_PROGRESS))
                .returnValues(ReturnValue.ALL_OLD)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    PutItemRequest completeRequest(String table, IdempotencyRecord completed) {
        return PutItemRequest.builder()
                .tableName(table)
                .item(encode(completed))
                .conditionExpression(COMPLETE_CONDITION)
                .expressionAttributeNames(completeNames)
                .expressionAttributeValues(ownerValues(completed.ownerToken()))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    UpdateItemRequest renewRequest(String table, IdempotencyRecord claim, Instant now) {
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(names.key(), AttributeValue.fromS(claim.id())))
                .updateExpression(RENEW_UPDATE)
                .conditionExpression(RENEW_CONDITION)
                .expressionAttributeNames(renewNames)
                .expressionAttributeValues(Map.of(
                        ":inprogress", IN_PROGRESS,
                        ":owner", AttributeValue.fromS(claim.ownerToken()),
                        ":now", AttributeValue.fromN(Long.toString(now.getEpochSecond())),
                        ":ipexp", AttributeValue.fromN(Long.toString(claim.inProgressExpiresAt().toEpochMilli())),
                        ":exp", AttributeValue.fromN(Long.toString(claim.expiresAt().getEpochSecond()))))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    DeleteItemRequest releaseRequest(String table, String id, String ownerToken) {
        return DeleteItemRequest.builder()
                .tableName(table)
                .key(Map.of(names.key(), AttributeValue.fromS(id)))
                .conditionExpression(OWNER_CONDITION)
                .expressionAttributeNames(ownerNames)
                .expressionAttributeValues(ownerValues(ownerToken))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    private static Map<String, AttributeValue> ownerValues(String ownerToken) {
        return Map.of(":inprogress", IN_PROGRESS, ":owner", AttributeValue.fromS(ownerToken));
    }

    Map<String, AttributeValue> encode(IdempotencyRecord record) {
        Map<String, AttributeValue> item = new HashMap<>(12);
        item.put(names.key(), AttributeValue.fromS(record.id()));
        item.put(names.status(), record.status() == RecordStatus.IN_PROGRESS ? IN_PROGRESS : COMPLETED);
        item.put(names.expiry(), AttributeValue.fromN(Long.toString(record.expiresAt().getEpochSecond())));
        item.put(names.owner(), AttributeValue.fromS(record.ownerToken()));
        if (record.inProgressExpiresAt() != null) {
            item.put(names.inProgressExpiry(),
                    AttributeValue.fromN(Long.toString(record.inProgressExpiresAt().toEpochMilli())));
        }
        if (record.payloadHash() != null) {
            item.put(names.payloadHash(), AttributeValue.fromS(record.payloadHash()));
        }
        StoredResult result = record.result();
        if (result instanceof StoredResult.Inline inline) {
            item.put(names.data(), AttributeValue.fromS(inline.json()));
        } else if (result instanceof StoredResult.Offloaded offloaded) {
            ResultPointer p = offloaded.pointer();
            item.put(names.resultPointer(), AttributeValue.fromM(Map.of(
                    "bucket", AttributeValue.fromS(p.bucket()),
                    "key", AttributeValue.fromS(p.key()),
                    "size", AttributeValue.fromN(Long.toString(p.size())),
                    "sha256", AttributeValue.fromS(p.sha256()),
                    "content_type", AttributeValue.fromS(p.contentType()),
                    "content_encoding", AttributeValue.fromS(p.contentEncoding()))));
        } else if (result instanceof StoredResult.Unavailable unavailable) {
            item.put(names.resultUnavailable(), AttributeValue.fromS(unavailable.reason()));
        }
        return item;
    }

    /** Decodes an item, or fails with the reason, naming the record. */
    IdempotencyRecord decode(Map<String, AttributeValue> item) {
        String id = string(item, names.key(), null);
        try {
            RecordStatus status = parseStatus(id, string(item, names.status(), id));
            Instant expiresAt = Instant.ofEpochSecond(number(item, names.expiry(), id));
            Instant inProgressExpiresAt = item.containsKey(names.inProgressExpiry())
                    ? Instant.ofEpochMilli(number(item, names.inProgressExpiry(), id)) : null;
            String payloadHash = item.containsKey(names.payloadHash()) ? string(item, names.payloadHash(), id) : null;
            String owner = string(item, names.owner(), id);
            StoredResult result = status == RecordStatus.COMPLETED ? result(item, id) : null;
            return new IdempotencyRecord(id, status, expiresAt, inProgressExpiresAt, payloadHash, owner, result);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw unreadable(id, e.getMessage(), e);
        }
    }

    /** Decodes an item whose content is informational only; returns {@code null} when it is unreadable. */
    IdempotencyRecord decodeLeniently(Map<String, AttributeValue> item) {
        try {
            return decode(item);
        } catch (IdempotencyRecordUnreadableException e) {
            return null;
        }
    }

    private StoredResult result(Map<String, AttributeValue> item, String id) {
        if (item.containsKey(names.data())) {
            return new StoredResult.Inline(string(item, names.data(), id));
        }
        AttributeValue pointer = item.get(names.resultPointer());
        if (pointer != null) {
            if (!pointer.hasM()) {
                throw unreadable(id, "attribute " + names.resultPointer() + " is not a map", null);
            }
            Map<String, AttributeValue> p = pointer.m();
            return new StoredResult.Offloaded(new ResultPointer(string(p, "bucket", id), string(p, "key", id),
                    number(p, "size", id), string(p, "sha256", id), string(p, "content_type", id),
                    string(p, "content_encoding", id)));
        }
        if (item.containsKey(names.resultUnavailable())) {
            return new StoredResult.Unavailable(string(item, names.resultUnavailable(), id));
        }
        throw unreadable(id, "a COMPLETED record has none of " + names.data() + ", " + names.resultPointer()
                + ", " + names.resultUnavailable(), null);
    }

    private static RecordStatus parseStatus(String id, String value) {
        try {
            return RecordStatus.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw unreadable(id, "unknown status \"" + value + "\"", e);
        }
    }

    private static String string(Map<String, AttributeValue> item, String name, String id) {
        AttributeValue value = item.get(name);
        if (value == null || value.s() == null) {
            throw unreadable(id, "attribute " + name + (value == null ? " is missing" : " is not a string"), null);
        }
        return value.s();
    }

    private static long number(Map<String, AttributeValue> item, String name, String id) {
        AttributeValue value = item.get(name);
        if (value == null || value.n() == null) {
            throw unreadable(id, "attribute " + name + (value == null ? " is missing" : " is not a number"), null);
        }
        try {
            return new java.math.BigDecimal(value.n()).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw unreadable(id, "attribute " + name + " is not a whole number: " + value.n(), e);
        }
    }

    private static IdempotencyRecordUnreadableException unreadable(String id, String why, Throwable cause) {
        String which = id == null ? "an idempotency record" : "idempotency record " + id;
        return new IdempotencyRecordUnreadableException(which + " cannot be read: " + why, id, cause);
    }
}
