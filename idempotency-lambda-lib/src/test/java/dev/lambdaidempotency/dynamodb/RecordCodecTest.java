package dev.lambdaidempotency.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdaidempotency.IdempotencyRecordUnreadableException;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore.RecordAttributes;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.StoredResult;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** Pins the exact DynamoDB requests and item layout; DynamoDB Local proves the behaviour separately. */
class RecordCodecTest {
    private static final String ID = "orders-fn#0123456789abcdef";
    private static final String OWNER = "00112233445566778899aabbccddeeff";
    /** 12:00:00.123456789 — sub-second parts show which precision each attribute keeps. */
    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00.123456789Z");
    private static final Instant EXPIRES = Instant.parse("2030-01-01T13:00:00.987654321Z");
    private static final Instant LEASE = Instant.parse("2030-01-01T12:15:00.500999999Z");

    private final RecordCodec codec = new RecordCodec(RecordAttributes.DEFAULTS);

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }

    private static IdempotencyRecord claim(String payloadHash) {
        return new IdempotencyRecord(ID, RecordStatus.IN_PROGRESS, EXPIRES, LEASE, payloadHash, OWNER, null);
    }

    @Test
    void claimIsAConditionalPutReturningTheOldItemEitherWay() {
        PutItemRequest request = codec.claimRequest("idem-table", claim("feedface"), NOW);
        assertEquals("idem-table", request.tableName());
        assertEquals("attribute_not_exists(#id) OR #exp < :now OR (#status = :inprogress AND #ipexp < :nowms)",
                request.conditionExpression());
        assertEquals(Map.of("#id", "id", "#exp", "expiration", "#status", "status", "#ipexp",
                "in_progress_expiration"), request.expressionAttributeNames());
        assertEquals(Map.of(
                ":now", n("1893499200"),                 // epoch seconds, truncated
                ":nowms", n("1893499200123"),            // epoch millis, truncated
                ":inprogress", s("IN_PROGRESS")), request.expressionAttributeValues());
        assertEquals(ReturnValue.ALL_OLD, request.returnValues());
        assertEquals(ReturnValuesOnConditionCheckFailure.ALL_OLD, request.returnValuesOnConditionCheckFailure());
        assertEquals(Map.of(
                "id", s(ID),
                "status", s("IN_PROGRESS"),
                "expiration", n("1893502800"),
                "in_progress_expiration", n("1893500100500"),
                "validation", s("feedface"),
                "owner", s(OWNER)), request.item());
        assertNull(request.conditionalOperator());
        assertFalse(request.hasExpected(), "no legacy Expected map");
    }

    @Test
    void claimWithoutPayloadValidationHasNoValidationAttribute() {
        PutItemRequest request = codec.claimRequest("t", claim(null), NOW);
        assertFalse(request.item().containsKey("validation"));
        assertEquals(5, request.item().size());
    }

    @Test
    void completionIsAPutFencedOnStatusAndOwnerOrAnAbsentRecord() {
        IdempotencyRecord completed = claim("feedface").complete(new StoredResult.Inline("{\"ok\":true}"));
        PutItemRequest request = codec.completeRequest("idem-table", completed);
        assertEquals("idem-table", request.tableName());
        assertEquals("attribute_not_exists(#id) OR (#status = :inprogress AND #owner = :owner)",
                request.conditionExpression());
        assertEquals(Map.of("#id", "id", "#status", "status", "#owner", "owner"),
                request.expressionAttributeNames());
        assertEquals(Map.of(":inprogress", s("IN_PROGRESS"), ":owner", s(OWNER)),
                request.expressionAttributeValues());
        assertEquals(ReturnValuesOnConditionCheckFailure.ALL_OLD, request.returnValuesOnConditionCheckFailure());
        assertNull(request.returnValues(), "nothing to read back on success");
        assertEquals(Map.of(
                "id", s(ID),
                "status", s("COMPLETED"),
                "expiration", n("1893502800"),
                "validation", s("feedface"),
                "owner", s(OWNER),
                "data", s("{\"ok\":true}")), request.item(), "no in_progress_expiration once completed");
    }

    @Test
    void completionWithAnOffloadedResultStoresThePointerAsAMap() {
        ResultPointer pointer = new ResultPointer("bucket-1", "results/abc", 70000, "ab".repeat(32),
                "application/json", "gzip");
        PutItemRequest request = codec.completeRequest("t", claim(null).complete(new StoredResult.Offloaded(pointer)));
        assertEquals(Map.of(
                "id", s(ID),
                "status", s("COMPLETED"),
                "expiration", n("1893502800"),
                "owner", s(OWNER),
                "result_pointer", AttributeValue.fromM(Map.of(
                        "bucket", s("bucket-1"),
                        "key", s("results/abc"),
                        "size", n("70000"),
                        "sha256", s("ab".repeat(32)),
                        "content_type", s("application/json"),
                        "content_encoding", s("gzip")))), request.item());
    }

    @Test
    void completionWithAnUnavailableResultStoresTheReason() {
        PutItemRequest request = codec.completeRequest("t",
                claim(null).complete(new StoredResult.Unavailable("too big")));
        assertEquals(s("too big"), request.item().get("result_unavailable"));
        assertFalse(request.item().containsKey("data"));
        assertFalse(request.item().containsKey("result_pointer"));
    }

    @Test
    void releaseIsADeleteFencedOnStatusAndOwner() {
        DeleteItemRequest request = codec.releaseRequest("idem-table", ID, OWNER);
        assertEquals("idem-table", request.tableName());
        assertEquals(Map.of("id", s(ID)), request.key());
        assertEquals("#status = :inprogress AND #owner = :owner", request.conditionExpression());
        assertEquals(Map.of("#status", "status", "#owner", "owner"), request.expressionAttributeNames());
        assertEquals(Map.of(":inprogress", s("IN_PROGRESS"), ":owner", s(OWNER)),
                request.expressionAttributeValues());
        assertEquals(ReturnValuesOnConditionCheckFailure.ALL_OLD, request.returnValuesOnConditionCheckFailure());
        assertNull(request.returnValues());
    }

    @Test
    void renewalIsAnUpdateOfLeaseAndExpiryFencedOnOwnerLivenessAndAnEarlierLease() {
        UpdateItemRequest request = codec.renewRequest("idem-table", claim("feedface"), NOW);
        assertEquals("idem-table", request.tableName());
        assertEquals(Map.of("id", s(ID)), request.key());
        assertEquals("SET #ipexp = :ipexp, #exp = :exp", request.updateExpression());
        assertEquals("#status = :inprogress AND #owner = :owner AND #exp >= :now AND #ipexp < :ipexp",
                request.conditionExpression());
        assertEquals(Map.of("#status", "status", "#owner", "owner", "#exp", "expiration", "#ipexp",
                "in_progress_expiration"), request.expressionAttributeNames());
        assertEquals(Map.of(
                ":inprogress", s("IN_PROGRESS"),
                ":owner", s(OWNER),
                ":now", n("1893499200"),                 // epoch seconds, truncated
                ":ipexp", n("1893500100500"),            // the new lease, epoch millis
                ":exp", n("1893502800")), request.expressionAttributeValues());
        assertEquals(ReturnValuesOnConditionCheckFailure.ALL_OLD, request.returnValuesOnConditionCheckFailure());
        assertNull(request.returnValues());
        assertEquals(Map.of("pk", s(ID)), new RecordCodec(new RecordAttributes("pk", "st", "ttl", "lease", "hash",
                "who", "body", "ptr", "why")).renewRequest("t", claim("h"), NOW).key());
    }

    @Test
    void customAttributeNamesAreUsedEverywhere() {
        RecordAttributes custom = new RecordAttributes("pk", "st", "ttl", "lease", "hash", "who", "body", "ptr",
                "why");
        RecordCodec c = new RecordCodec(custom);
        PutItemRequest claim = c.claimRequest("t", claim("h"), NOW);
        assertEquals(Map.of("#id", "pk", "#exp", "ttl", "#status", "st", "#ipexp", "lease"),
                claim.expressionAttributeNames());
        assertEquals(java.util.Set.of("pk", "st", "ttl", "lease", "hash", "who"), claim.item().keySet());
        PutItemRequest complete = c.completeRequest("t", claim("h").complete(new StoredResult.Inline("1")));
        assertEquals(Map.of("#id", "pk", "#status", "st", "#owner", "who"), complete.expressionAttributeNames());
        assertEquals(java.util.Set.of("pk", "st", "ttl", "hash", "who", "body"), complete.item().keySet());
        assertEquals(Map.of("pk", s(ID)), c.releaseRequest("t", ID, OWNER).key());
        assertEquals(c.decode(complete.item()), new RecordCodec(custom).decode(complete.item()));
    }

    @Test
    void attributeNamesMustBeDistinctAndPresent() {
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> RecordAttributes.DEFAULTS.withData("owner"));
        assertEquals("attribute name \"owner\" is used twice", twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RecordAttributes.DEFAULTS.withKey(" "));
        assertThrows(IllegalArgumentException.class, () -> RecordAttributes.DEFAULTS.withExpiry(null));
        assertEquals("ttl", RecordAttributes.DEFAULTS.withExpiry("ttl").expiry());
    }

    @Test
    void decodeRoundTripsEveryKindOfRecordAtStoragePrecision() {
        Instant expiresSeconds = Instant.ofEpochSecond(EXPIRES.getEpochSecond());
        Instant leaseMillis = Instant.ofEpochMilli(LEASE.toEpochMilli());
        IdempotencyRecord inProgress = claim("h");
        assertEquals(new IdempotencyRecord(ID, RecordStatus.IN_PROGRESS, expiresSeconds, leaseMillis, "h", OWNER,
                null), codec.decode(codec.encode(inProgress)));
        for (StoredResult result : new StoredResult[] {new StoredResult.Inline("{\"a\":[1,2]}"),
            new StoredResult.Offloaded(new ResultPointer("b", "k", 5, "00", "application/json", "identity")),
            new StoredResult.Unavailable("reason")}) {
            IdempotencyRecord completed = claim(null).complete(result);
            assertEquals(new IdempotencyRecord(ID, RecordStatus.COMPLETED, expiresSeconds, null, null, OWNER, result),
                    codec.decode(codec.encode(completed)));
        }
    }

    @Test
    void decodeIgnoresUnknownAttributes() {
        Map<String, AttributeValue> item = new HashMap<>(codec.encode(claim(null)));
        item.put("added_by_someone_else", s("x"));
        assertEquals(RecordStatus.IN_PROGRESS, codec.decode(item).status());
    }

    private Map<String, AttributeValue> completedItem() {
        return new HashMap<>(codec.encode(claim("h").complete(new StoredResult.Inline("{}"))));
    }

    private void assertUnreadable(Map<String, AttributeValue> item, String why) {
        IdempotencyRecordUnreadableException e = assertThrows(IdempotencyRecordUnreadableException.class,
                () -> codec.decode(item));
        assertEquals("idempotency record " + ID + " cannot be read: " + why, e.getMessage());
        assertEquals(ID, e.recordId());
        assertFalse(e.isRetryable());
        assertNull(codec.decodeLeniently(item), "lenient decoding gives up quietly");
    }

    private void assertUnreadable(Consumer<Map<String, AttributeValue>> corruption, String why) {
        Map<String, AttributeValue> item = completedItem();
        corruption.accept(item);
        assertUnreadable(item, why);
    }

    @Test
    void decodeRejectsMissingAttributes() {
        assertUnreadable(item -> item.remove("status"), "attribute status is missing");
        assertUnreadable(item -> item.remove("expiration"), "attribute expiration is missing");
        assertUnreadable(item -> item.remove("owner"), "attribute owner is missing");
    }

    @Test
    void decodeRejectsWrongTypes() {
        assertUnreadable(item -> item.put("status", n("1")), "attribute status is not a string");
        assertUnreadable(item -> item.put("expiration", s("1893502800")), "attribute expiration is not a number");
        assertUnreadable(item -> item.put("owner", AttributeValue.fromBool(true)), "attribute owner is not a string");
        assertUnreadable(item -> item.put("validation", n("7")), "attribute validation is not a string");
        assertUnreadable(item -> item.put("data", AttributeValue.fromM(Map.of())), "attribute data is not a string");
        assertUnreadable(item -> {
            item.remove("data");
            item.put("result_pointer", s("s3://b/k"));
        }, "attribute result_pointer is not a map");
        assertUnreadable(item -> {
            item.remove("data");
            item.put("result_pointer", AttributeValue.fromM(Map.of("bucket", s("b"))));
        }, "attribute key is missing");
    }

    @Test
    void decodeRejectsNumbersThatAreNotWholeOrTooLarge() {
        assertUnreadable(item -> item.put("expiration", n("12.5")), "attribute expiration is not a whole number: 12.5");
        assertUnreadable(item -> item.put("expiration", n("1e30")), "attribute expiration is not a whole number: 1e30");
        Map<String, AttributeValue> inProgress = new HashMap<>(codec.encode(claim(null)));
        inProgress.put("in_progress_expiration", n("0.5"));
        assertUnreadable(inProgress, "attribute in_progress_expiration is not a whole number: 0.5");
        assertEquals(Instant.ofEpochSecond(10), codec.decode(with(completedItem(), "expiration", n("10.000")))
                .expiresAt(), "a whole number with a zero fraction is fine");
    }

    @Test
    void decodeRejectsAnUnknownStatus() {
        assertUnreadable(item -> item.put("status", s("DONE")), "unknown status \"DONE\"");
        assertUnreadable(item -> item.put("status", s("completed")), "unknown status \"completed\"");
    }

    @Test
    void decodeRejectsACompletedRecordWithoutAResult() {
        assertUnreadable(item -> item.remove("data"),
                "a COMPLETED record has none of data, result_pointer, result_unavailable");
    }

    @Test
    void decodeRejectsAnInProgressRecordWithoutItsLease() {
        Map<String, AttributeValue> item = new HashMap<>(codec.encode(claim(null)));
        item.remove("in_progress_expiration");
        IdempotencyRecordUnreadableException e = assertThrows(IdempotencyRecordUnreadableException.class,
                () -> codec.decode(item));
        assertEquals(ID, e.recordId());
        assertTrue(e.getMessage().startsWith("idempotency record " + ID + " cannot be read: "), e.getMessage());
        assertTrue(e.getMessage().contains("inProgressExpiresAt"), e.getMessage());
    }

    @Test
    void anItemWithoutItsKeyIsUnreadableWithoutAnId() {
        Map<String, AttributeValue> item = completedItem();
        item.remove("id");
        IdempotencyRecordUnreadableException e = assertThrows(IdempotencyRecordUnreadableException.class,
                () -> codec.decode(item));
        assertEquals("an idempotency record cannot be read: attribute id is missing", e.getMessage());
        assertNull(e.recordId());
    }

    private static Map<String, AttributeValue> with(Map<String, AttributeValue> item, String name,
            AttributeValue value) {
        item.put(name, value);
        return item;
    }
}
