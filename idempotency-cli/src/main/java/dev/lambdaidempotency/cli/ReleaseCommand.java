package dev.lambdaidempotency.cli;

import dev.lambdaidempotency.IdempotencyClaimLostException;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore.RecordAttributes;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.StoredResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@code release}: deletes one record so that the next request with its key runs, fenced exactly like the library's
 * own release: the delete goes through only if the record still has the status and owner token the operator saw.
 */
@Command(name = "release", sortOptions = false, footer = ExitCodes.HELP,
        description = {"Deletes one record so that the next request with its key runs again. The delete is fenced "
                + "like the library's release: it applies only if the record is still IN_PROGRESS with this owner "
                + "token (the library's own DeleteItem request), so a claim taken over in the meantime is never "
                + "deleted.",
                "Refused (exit 3) for a COMPLETED record unless --include-completed (its key would run again), and "
                + "for a claim whose lease is still running unless --allow-live (its invocation may still be "
                + "working).",
                "A completed record's offloaded result is left in S3 for the bucket's lifecycle rule: a re-run of "
                + "the key with the same result writes the same object key, which a delete here could remove from "
                + "under the new record."})
final class ReleaseCommand extends TableCommand {
    /** The library's release condition ({@code DynamoDbIdempotencyStore.release}), pinned by a test. */
    static final String RELEASE_CONDITION = "#status = :inprogress AND #owner = :owner";
    /** The same fence on a completed record. */
    static final String RELEASE_COMPLETED_CONDITION = "#status = :completed AND #owner = :owner";

    @Option(names = "--id", required = true, paramLabel = "ID", description = "The record id (from stuck or inspect).")
    String id;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Fence fence;

    /** Whose record it must still be. */
    static final class Fence {
        @Option(names = "--owner", paramLabel = "TOKEN", description = "The owner token the record must still carry.")
        String owner;

        @Option(names = "--force", description = "Fence with the owner token read from the record now; asks for "
                + "confirmation unless --yes.")
        boolean force;
    }

    @Option(names = "--yes", description = "Do not ask for confirmation (with --force).")
    boolean yes;

    @Option(names = "--dry-run", description = "Show what would be deleted, and how, without deleting.")
    boolean dryRun;

    @Option(names = "--include-completed", description = "Allow deleting a COMPLETED record (its key runs again).")
    boolean includeCompleted;

    @Option(names = "--allow-live", description = "Allow releasing a claim whose lease is still running.")
    boolean allowLive;

    ReleaseCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(Backend backend, Times times) {
        Optional<IdempotencyRecord> found = backend.store().read(id);
        if (found.isEmpty()) {
            return report(ExitCodes.NOT_FOUND, "not-found", null, null, "no record " + id + " in table "
                    + backend.table());
        }
        IdempotencyRecord record = found.get();
        RecordView view = view(times);
        String condition = record.status() == RecordStatus.IN_PROGRESS ? RELEASE_CONDITION
                : RELEASE_COMPLETED_CONDITION;
        if (record.status() == RecordStatus.COMPLETED && !includeCompleted) {
            return report(ExitCodes.REFUSED, "refused", record, condition, "refused: " + id + " is COMPLETED; "
                    + "deleting it makes the next request with its key run again (pass --include-completed)");
        }
        if (record.status() == RecordStatus.IN_PROGRESS && !view.leasePassed(record) && !allowLive) {
            return report(ExitCodes.REFUSED, "refused", record, condition, "refused: the lease of " + id
                    + " runs until " + times.human(record.inProgressExpiresAt()) + "; its invocation may still be "
                    + "working (pass --allow-live if you know it is not)");
        }
        String owner = fence.force ? record.ownerToken() : fence.owner;
        if (!owner.equals(record.ownerToken())) {
            return report(ExitCodes.REFUSED, "refused", record, condition, "refused: " + id + " is owned by "
                    + record.ownerToken() + ", not " + owner);
        }
        if (dryRun) {
            return report(ExitCodes.OK, "dry-run", record, condition, "dry run: would delete " + id + " ("
                    + record.status() + ", owner " + owner + ") with DeleteItem condition " + condition);
        }
        if (fence.force && !yes && !confirmed(record)) {
            return report(ExitCodes.REFUSED, "not-confirmed", record, condition, "not confirmed; nothing deleted");
        }
        try {
            if (record.status() == RecordStatus.IN_PROGRESS) {
                backend.store().release(id, owner); // the library's own fenced DeleteItem
            } else {
                deleteCompleted(backend, owner);
            }
        } catch (IdempotencyClaimLostException | ConditionalCheckFailedException changed) {
            return report(ExitCodes.REFUSED, "conflict", record, condition, "refused by the fence: " + id
                    + " changed since it was read (taken over or completed); nothing deleted");
        }
        return report(ExitCodes.OK, "released", record, condition, "released " + id + " (was " + record.status()
                + ", owner " + owner + "); the next request with its key runs" + leftObject(record));
    }

    /**
     * The offloaded object is not deleted: object keys are the record id's hash and the content's hash, so a re-run
     * of the key that returns the same result (the operator released it for that re-run) writes the same key, and
     * a delete sent after the record's could remove the new record's object. It is an orphan like any object whose
     * record write failed, and the bucket's lifecycle rule (README, "Large results in S3") expires it.
     */
    private static String leftObject(IdempotencyRecord record) {
        if (record.result() instanceof StoredResult.Offloaded offloaded) {
            return "; its offloaded result s3://" + offloaded.pointer().bucket() + "/" + offloaded.pointer().key()
                    + " is left for the bucket's lifecycle rule to expire";
        }
        return "";
    }

    private boolean confirmed(IdempotencyRecord record) {
        err().print("delete " + record.id() + " (" + record.status() + ", owner " + record.ownerToken()
                + ")? type 'yes' to confirm: ");
        err().flush();
        try {
            String answer = context.input().readLine();
            return answer != null && answer.trim().equalsIgnoreCase("yes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void deleteCompleted(Backend backend, String owner) {
        RecordAttributes names = backend.store().attributes();
        backend.dynamoDb().deleteItem(b -> b.tableName(backend.table())
                .key(Map.of(names.key(), AttributeValue.fromS(id)))
                .conditionExpression(RELEASE_COMPLETED_CONDITION)
                .expressionAttributeNames(Map.of("#status", names.status(), "#owner", names.owner()))
                .expressionAttributeValues(Map.of(":completed", AttributeValue.fromS(RecordStatus.COMPLETED.name()),
                        ":owner", AttributeValue.fromS(owner))));
    }

    private int report(int exitCode, String action, IdempotencyRecord record, String condition, String message) {
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("id", id);
            document.put("action", action);
            document.put("status", record == null ? null : record.status().name());
            document.put("owner", record == null ? null : record.ownerToken());
            document.put("condition", condition);
            document.put("message", message);
            printJson(document);
        } else if (exitCode == ExitCodes.OK) {
            out().println(message);
            out().flush();
        } else {
            err().println(message);
            err().flush();
        }
        return exitCode;
    }
}
