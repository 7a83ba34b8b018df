package dev.lambdaidempotency.dynamodb;

import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.IdempotencyStoreException;
import dev.lambdaidempotency.internal.Environment;
import dev.lambdaidempotency.spi.ClaimResult;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.RenewResult;
import dev.lambdaidempotency.spi.ResultPointer;
import dev.lambdaidempotency.spi.StoredResult;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * Idempotency records in a DynamoDB table with a string partition key and TTL on the expiry attribute.
 *
 * <pre>{@code
 * IdempotencyStore store = DynamoDbIdempotencyStore.builder()
 *     .client(DynamoDbClient.create())
 *     .tableName("idempotency")          // default: IDEMPOTENCY_TABLE, else "idempotency"
 *     .build();
 * }</pre>
 *
 * <p>Requests per invocation: a first execution costs a claim ({@code PutItem}) and a completion ({@code PutItem});
 * a replay costs the refused claim alone, whose {@code ALL_OLD} answer carries the stored record; a failed handler
 * costs the claim and one {@code DeleteItem}. This class is immutable and thread-safe.
 */
public final class DynamoDbIdempotencyStore implements IdempotencyStore {
    /** Default table name when neither the builder nor {@code IDEMPOTENCY_TABLE} sets one. */
    public static final String DEFAULT_TABLE_NAME = "idempotency";
    /** DynamoDB's item size limit, in bytes. */
    public static final int ITEM_SIZE_LIMIT = 400 * 1024;
    private static final int ATTRIBUTE_OVERHEAD = 2048;

    private final DynamoDbClient client;
    private final String tableName;
    private final RecordAttributes attributes;
    private final RecordCodec codec;

    private DynamoDbIdempotencyStore(Builder builder) {
        this.client = builder.client != null ? builder.client : DynamoDbClient.create();
        this.tableName = builder.tableName;
        this.attributes = builder.attributes;
        this.codec = new RecordCodec(attributes);
    }

    /**
     * Starts a builder, reading {@code IDEMPOTENCY_TABLE} from the process environment for the default table name.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(Environment.system());
    }

    /**
     * The table this store writes to.
     *
     * @return the table name
     */
    public String tableName() {
        return tableName;
    }

    /**
     * The attribute names this store uses.
     *
     * @return the attribute names
     */
    public RecordAttributes attributes() {
        return attributes;
    }

    @Override
    public ClaimResult claim(IdempotencyRecord claim, Instant now) {
        PutItemRequest request = codec.claimRequest(tableName, claim, now);
        try {
            PutItemResponse response = call("claim (PutItem)", claim.id(), () -> client.putItem(request));
            IdempotencyRecord replaced = response.hasAttributes() && !response.attributes().isEmpty()
                    ? codec.decodeLeniently(response.attributes()) : null;
            // an earlier attempt of this same request (applied, response lost) is not a record we replaced
            boolean ours = replaced != null && replaced.ownerToken().equals(claim.ownerToken());
            return new ClaimResult.Claimed(ours ? null : replaced);
        } catch (ConditionalCheckFailedException refused) {
            if (!refused.hasItem() || refused.item().isEmpty()) {
                throw new IdempotencyStoreException("claim of " + claim.id() + " was refused but DynamoDB returned "
                        + "no record", claim.id(), true, refused);
            }
            IdempotencyRecord existing = codec.decode(refused.item());
            if (existing.status() == RecordStatus.IN_PROGRESS && existing.ownerToken().equals(claim.ownerToken())) {
                return new ClaimResult.Claimed(null); // our own claim: a retried request whose first try was applied
            }
            return new ClaimResult.Existing(existing);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>One conditional {@code UpdateItem}; a refusal returns the stored item, so the answer takes one round trip.
     */
    @Override
    public RenewResult renew(IdempotencyRecord claim, Instant now) {
        UpdateItemRequest request = codec.renewRequest(tableName, claim, now);
        try {
            call("renewal (UpdateItem)", claim.id(), () -> client.updateItem(request));
            return new RenewResult.Renewed(claim.inProgressExpiresAt().truncatedTo(ChronoUnit.MILLIS));
        } catch (ConditionalCheckFailedException refused) {
            if (!refused.hasItem() || refused.item().isEmpty()) {
                return new RenewResult.Absent();
            }
            IdempotencyRecord existing = codec.decode(refused.item());
            if (existing.expiresAt().getEpochSecond() < now.getEpochSecond()) {
                return new RenewResult.Absent(); // expired: free for a claim, awaiting the TTL sweeper
            }
            if (existing.status() == RecordStatus.IN_PROGRESS && existing.ownerToken().equals(claim.ownerToken())) {
                return new RenewResult.Renewed(existing.inProgressExpiresAt()); // already as late: never shortened
            }
            return new RenewResult.Refused(existing);
        }
    }

    @Override
    public void complete(IdempotencyRecord completed) {
        PutItemRequest request = codec.completeRequest(tableName, completed);
        try {
            call("completion (PutItem)", completed.id(), () -> client.putItem(request));
        } catch (ConditionalCheckFailedException refused) {
            // the condition admits an absent record, so a refusal always carries the record that blocked it
            IdempotencyRecord current = !refused.hasItem() || refused.item().isEmpty() ? null
                    : codec.decodeLeniently(refused.item());
            if (current != null && current.status() == RecordStatus.COMPLETED
                    && current.ownerToken().equals(completed.ownerToken())) {
                return; // already applied by an earlier attempt of this same write
            }
            String holder = current == null ? "an unreadable record" : "another invocation (status "
                    + current.status() + ")";
            throw new IdempotencyClaimLostException("the claim on " + completed.id() + " is now held by " + holder
                    + "; the record was left untouched", completed.id());
        }
    }

    @Override
    public void release(String id, String ownerToken) {
        DeleteItemRequest request = codec.releaseRequest(tableName, id, ownerToken);
        try {
            call("release (DeleteItem)", id, () -> client.deleteItem(request));
        } catch (ConditionalCheckFailedException refused) {
            if (!refused.hasItem() || refused.item().isEmpty()) {
                return; // already gone: nothing to release
            }
            throw new IdempotencyClaimLostException("the claim on " + id + " is now held by another invocation; "
                    + "its record was left untouched", id);
        }
    }

    /**
     * Reads a record as it is now (a strongly consistent {@code GetItem}), whatever its status or expiry: an expired
     * record the TTL sweeper has not deleted yet is returned too (see {@link IdempotencyRecord#isExpired}). Not used
     * by the idempotency protocol, which learns the stored record from its refused claim; for tools that inspect
     * the table (the operator CLI).
     *
     * @param id the record id
     * @return the record, or empty when there is none
     * @throws IdempotencyStoreException                                  when the table cannot be reached
     * @throws dev.lambdaidempotency.IdempotencyRecordUnreadableException when the item cannot be decoded
     */
    public Optional<IdempotencyRecord> read(String id) {
        Objects.requireNonNull(id, "id");
        GetItemRequest request = GetItemRequest.builder().tableName(tableName)
                .key(Map.of(attributes.key(), AttributeValue.fromS(id))).consistentRead(true).build();
        GetItemResponse response = call("read (GetItem)", id, () -> client.getItem(request));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(codec.decode(response.item()))
                : Optional.empty();
    }

    /**
     * Decodes an item of this store's table (from a {@code Scan}, say) with this store's attribute names, exactly
     * as the store decodes the records it reads.
     *
     * @param item the item's attributes
     * @return the record
     * @throws dev.lambdaidempotency.IdempotencyRecordUnreadableException when the item is not a readable record
     */
    public IdempotencyRecord decode(Map<String, AttributeValue> item) {
        return codec.decode(Objects.requireNonNull(item, "item"));
    }

    /**
     * Builds the claim, completion and release requests for sample records and encodes and decodes every kind of
     * record (in progress; completed inline, offloaded and unavailable), without sending anything.
     */
    @Override
    public void prime() {
        Instant now = Instant.ofEpochSecond(1_700_000_000L);
        String id = "prime#" + "0".repeat(64);
        IdempotencyRecord claim = new IdempotencyRecord(id, RecordStatus.IN_PROGRESS, now.plusSeconds(3600),
                now.plusSeconds(60), "0".repeat(64), "prime-owner", null);
        codec.claimRequest(tableName, claim, now);
        codec.releaseRequest(tableName, id, claim.ownerToken());
        codec.renewRequest(tableName, claim, now);
        codec.decode(codec.encode(claim));
        for (StoredResult result : List.of(new StoredResult.Inline("{\"prime\":true}"),
                new StoredResult.Offloaded(new ResultPointer("bucket", "key", 1, "0".repeat(64), "application/json",
                        "gzip")),
                new StoredResult.Unavailable("prime"))) {
            IdempotencyRecord completed = claim.complete(result);
            codec.completeRequest(tableName, completed);
            codec.decodeLeniently(codec.encode(completed));
        }
    }

    @Override
    public int maxInlineResultBytes() {
        return ITEM_SIZE_LIMIT - ATTRIBUTE_OVERHEAD;
    }

    /**
     * Creates the table (on-demand, string partition key) with TTL on the expiry attribute, if it does not exist,
     * and waits until it is active. Meant for tests and local runs; production tables come from infrastructure
     * code (see the SAM template).
     */
    public void createTableIfMissing() {
        try {
            client.createTable(CreateTableRequest.builder()
                    .tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName(attributes.key())
                            .attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName(attributes.key()).keyType(KeyType.HASH)
                            .build())
                    .build());
        } catch (ResourceInUseException exists) {
            return;
        }
        client.waiter().waitUntilTableExists(b -> b.tableName(tableName));
        client.updateTimeToLive(UpdateTimeToLiveRequest.builder().tableName(tableName)
                .timeToLiveSpecification(s -> s.attributeName(attributes.expiry()).enabled(true)).build());
    }

    private <R> R call(String what, String id, Supplier<R> request) {
        try {
            return request.get();
        } catch (ConditionalCheckFailedException expected) {
            throw expected;
        } catch (SdkException e) {
            throw new IdempotencyStoreException("DynamoDB " + what + " for " + id + " on table " + tableName
                    + " failed: " + e.getMessage(), id, isRetryable(e), e);
        }
    }

    private static boolean isRetryable(SdkException e) {
        if (e.retryable()) {
            return true;
        }
        if (e instanceof AwsServiceException service) {
            return service.isThrottlingException() || service.statusCode() >= 500;
        }
        return !(e instanceof AwsServiceException);
    }

    @Override
    public String toString() {
        return "DynamoDbIdempotencyStore[" + tableName + "]";
    }

    /**
     * The names of the record's attributes. Defaults: {@code id}, {@code status}, {@code expiration} (epoch seconds,
     * the TTL attribute), {@code in_progress_expiration} (epoch millis), {@code validation}, {@code owner},
     * {@code data}, {@code result_pointer}, {@code result_unavailable}.
     *
     * @param key                the partition key (string)
     * @param status             {@code IN_PROGRESS} or {@code COMPLETED}
     * @param expiry             record expiry in epoch seconds; enable the table's TTL on it
     * @param inProgressExpiry   claim expiry in epoch milliseconds
     * @param payloadHash        SHA-256 of the validated payload
     * @param owner              the claim's owner token (fence)
     * @param data               the inline result (JSON string)
     * @param resultPointer      the offloaded result's location (map)
     * @param resultUnavailable  why a completed record has no result
     */
    public record RecordAttributes(String key, String status, String expiry, String inProgressExpiry,
            String payloadHash, String owner, String data, String resultPointer, String resultUnavailable) {

        /** The default attribute names. */
        public static final RecordAttributes DEFAULTS = new RecordAttributes("id", "status", "expiration",
                "in_progress_expiration", "validation", "owner", "data", "result_pointer", "result_unavailable");

        /**
         * Validates that every name is present, non-blank and distinct.
         *
         * @param key see the record description
         * @param status see the record description
         * @param expiry see the record description
         * @param inProgressExpiry see the record description
         * @param payloadHash see the record description
         * @param owner see the record description
         * @param data see the record description
         * @param resultPointer see the record description
         * @param resultUnavailable see the record description
         */
        public RecordAttributes {
            String[] all = {key, status, expiry, inProgressExpiry, payloadHash, owner, data, resultPointer,
                    resultUnavailable};
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String name : all) {
                if (name == null || name.isBlank()) {
                    throw new IllegalArgumentException("attribute names must not be blank");
                }
                if (!seen.add(name)) {
                    throw new IllegalArgumentException("attribute name \"" + name + "\" is used twice");
                }
            }
        }

        /**
         * A copy with another partition key name.
         *
         * @param name attribute name
         * @return new names
         */
        public RecordAttributes withKey(String name) {
            return new RecordAttributes(name, status, expiry, inProgressExpiry, payloadHash, owner, data,
                    resultPointer, resultUnavailable);
        }

        /**
         * A copy with another expiry (TTL) attribute name.
         *
         * @param name attribute name
         * @return new names
         */
        public RecordAttributes withExpiry(String name) {
            return new RecordAttributes(key, status, name, inProgressExpiry, payloadHash, owner, data,
                    resultPointer, resultUnavailable);
        }

        /**
         * A copy with another inline-data attribute name.
         *
         * @param name attribute name
         * @return new names
         */
        public RecordAttributes withData(String name) {
            return new RecordAttributes(key, status, expiry, inProgressExpiry, payloadHash, owner, name,
                    resultPointer, resultUnavailable);
        }
    }

    /** Collects the store's settings. Not thread-safe. */
    public static final class Builder {
        private DynamoDbClient client;
        private String tableName;
        private RecordAttributes attributes = RecordAttributes.DEFAULTS;

        private Builder(Environment environment) {
            String fromEnvironment = environment.get(Environment.TABLE);
            this.tableName = fromEnvironment != null ? fromEnvironment : DEFAULT_TABLE_NAME;
        }

        /**
         * Sets the client (recommended: one built at init, with a lightweight HTTP client).
         *
         * @param client default {@code DynamoDbClient.create()}
         * @return this builder
         */
        public Builder client(DynamoDbClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Sets the table.
         *
         * @param tableName default {@code IDEMPOTENCY_TABLE}, else {@value #DEFAULT_TABLE_NAME}
         * @return this builder
         */
        public Builder tableName(String tableName) {
            Objects.requireNonNull(tableName, "tableName");
            if (!tableName.matches("[A-Za-z0-9_.\\-]{3,255}")) {
                throw new IllegalArgumentException("tableName must be 3-255 characters of [A-Za-z0-9_.-], was \""
                        + tableName + "\"");
            }
            this.tableName = tableName;
            return this;
        }

        /**
         * Sets the attribute names.
         *
         * @param attributes default {@link RecordAttributes#DEFAULTS}
         * @return this builder
         */
        public Builder attributes(RecordAttributes attributes) {
            this.attributes = Objects.requireNonNull(attributes, "attributes");
            return this;
        }

        /**
         * Builds the store.
         *
         * @return a new, thread-safe store
         */
        public DynamoDbIdempotencyStore build() {
            return new DynamoDbIdempotencyStore(this);
        }
    }
}
