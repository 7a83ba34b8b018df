package dev.lambdaidempotency.benchmarks.function;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The physical floor: exactly the requests the library's DynamoDB store sends, with the same item shape and the
 * same conditions, written directly against {@link DynamoDbClient} with no abstraction. A claim is a conditional
 * {@code PutItem} (ALL_OLD both ways); a completion a {@code PutItem} fenced on status and owner, or on the record
 * being gone (swept while the handler ran); a release a {@code DeleteItem} fenced on status and owner. Thread-safe.
 */
public final class RawFloorStore {
    /** Attribute names: the library's defaults. */
    public static final String ID = "id";
    /** Status attribute. */
    public static final String STATUS = "status";
    /** Record expiry, epoch seconds. */
    public static final String EXPIRATION = "expiration";
    /** Claim expiry, epoch milliseconds. */
    public static final String IN_PROGRESS_EXPIRATION = "in_progress_expiration";
    /** Owner token (the fence). */
    public static final String OWNER = "owner";
    /** Inline result JSON. */
    public static final String DATA = "data";
    /** Offloaded result location. */
    public static final String RESULT_POINTER = "result_pointer";

    private static final String CLAIM_CONDITION =
            "attribute_not_exists(#id) OR #exp < :now OR (#status = :inprogress AND #ipexp < :nowms)";
    private static final String OWNER_CONDITION = "#status = :inprogress AND #owner = :owner";
    private static final String COMPLETE_CONDITION = "attribute_not_exists(#id) OR (" + OWNER_CONDITION + ")";
    private static final AttributeValue IN_PROGRESS = AttributeValue.fromS("IN_PROGRESS");
    private static final AttributeValue COMPLETED = AttributeValue.fromS("COMPLETED");
    private static final Map<String, String> CLAIM_NAMES = Map.of("#id", ID, "#exp", EXPIRATION, "#status", STATUS,
            "#ipexp", IN_PROGRESS_EXPIRATION);
    private static final Map<String, String> OWNER_NAMES = Map.of("#status", STATUS, "#owner", OWNER);
    private static final Map<String, String> COMPLETE_NAMES = Map.of("#id", ID, "#status", STATUS, "#owner", OWNER);

    private final DynamoDbClient client;
    private final String table;

    /**
     * @param client the client (shared with the library variant in warm benchmarks)
     * @param table  the table (string partition key {@code id})
     */
    public RawFloorStore(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /**
     * Claims {@code id} for {@code owner}.
     *
     * @param id          record id
     * @param owner       the claim's owner token
     * @param nowMillis   now
     * @param leaseMillis claim expiry (epoch ms)
     * @param expiresAt   record expiry (epoch s)
     * @return {@code null} when claimed, else the record that blocked the claim
     */
    public Map<String, AttributeValue> claim(String id, String owner, long nowMillis, long leaseMillis,
            long expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>(8);
        item.put(ID, AttributeValue.fromS(id));
        item.put(STATUS, IN_PROGRESS);
        item.put(EXPIRATION, AttributeValue.fromN(Long.toString(expiresAt)));
        item.put(IN_PROGRESS_EXPIRATION, AttributeValue.fromN(Long.toString(leaseMillis)));
        item.put(OWNER, AttributeValue.fromS(owner));
        try {
            client.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(item)
                    .conditionExpression(CLAIM_CONDITION)
                    .expressionAttributeNames(CLAIM_NAMES)
                    .expressionAttributeValues(Map.of(
                            ":now", AttributeValue.fromN(Long.toString(nowMillis / 1000)),
                            ":nowms", AttributeValue.fromN(Long.toString(nowMillis)),
                            ":inprogress", IN_PROGRESS))
                    .returnValues(ReturnValue.ALL_OLD)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return null;
        } catch (ConditionalCheckFailedException refused) {
            Map<String, AttributeValue> existing = refused.item();
            AttributeValue existingOwner = existing.get(OWNER);
            if (existingOwner != null && owner.equals(existingOwner.s())) {
                return null; // a retried claim whose first attempt was applied
            }
            return existing;
        }
    }

    /**
     * Replaces the caller's claim with the completed record.
     *
     * @param id        record id
     * @param owner     the claim's owner token
     * @param expiresAt record expiry (epoch s)
     * @param result    the result attribute ({@link #DATA} or {@link #RESULT_POINTER})
     */
    public void complete(String id, String owner, long expiresAt, Map.Entry<String, AttributeValue> result) {
        Map<String, AttributeValue> item = new HashMap<>(8);
        item.put(ID, AttributeValue.fromS(id));
        item.put(STATUS, COMPLETED);
        item.put(EXPIRATION, AttributeValue.fromN(Long.toString(expiresAt)));
        item.put(OWNER, AttributeValue.fromS(owner));
        item.put(result.getKey(), result.getValue());
        client.putItem(PutItemRequest.builder()
                .tableName(table)
                .item(item)
                .conditionExpression(COMPLETE_CONDITION)
                .expressionAttributeNames(COMPLETE_NAMES)
                .expressionAttributeValues(Map.of(":inprogress", IN_PROGRESS, ":owner", AttributeValue.fromS(owner)))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build());
    }

    /**
     * Deletes the caller's claim.
     *
     * @param id    record id
     * @param owner the claim's owner token
     */
    public void release(String id, String owner) {
        try {
            client.deleteItem(DeleteItemRequest.builder()
                    .tableName(table)
                    .key(Map.of(ID, AttributeValue.fromS(id)))
                    .conditionExpression(OWNER_CONDITION)
                    .expressionAttributeNames(OWNER_NAMES)
                    .expressionAttributeValues(Map.of(":inprogress", IN_PROGRESS, ":owner",
                            AttributeValue.fromS(owner)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
        } catch (ConditionalCheckFailedException alreadyGoneOrTaken) {
            // the floor does nothing more
        }
    }
}
