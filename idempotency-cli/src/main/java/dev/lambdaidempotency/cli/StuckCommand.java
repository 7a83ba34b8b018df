package dev.lambdaidempotency.cli;

import dev.lambdaidempotency.IdempotencyRecordUnreadableException;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore.RecordAttributes;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.RecordStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@code stuck}: in-progress claims whose lease has passed, i.e. invocations that crashed or timed out. */
@Command(name = "stuck", sortOptions = false, footer = ExitCodes.HELP,
        description = {"Lists IN_PROGRESS records whose lease has passed: invocations that crashed, were killed or "
                + "timed out mid-action (their side effects may be half done). The next request with the same key "
                + "takes such a record over; if none comes, the record stays until its TTL.",
                "Scans the table (paginated, at most --max-rcu read units per second, progress on stderr); only "
                + "the stuck records are kept in memory."})
final class StuckCommand extends TableCommand {
    @Option(names = "--function", paramLabel = "NAME", description = "Only this function's records.")
    String function;

    @Option(names = "--include-live", description = "Also list IN_PROGRESS records whose lease is still running.")
    boolean includeLive;

    @Mixin
    ScanOptions scanOptions;

    StuckCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(Backend backend, Times times) throws InterruptedException {
        RecordAttributes names = backend.store().attributes();
        StringBuilder expression = new StringBuilder("#status = :inprogress");
        Map<String, String> attributeNames = new HashMap<>(Map.of("#status", names.status()));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":inprogress",
                AttributeValue.fromS(RecordStatus.IN_PROGRESS.name())));
        if (!includeLive) {
            expression.append(" AND #ipexp < :nowms");
            attributeNames.put("#ipexp", names.inProgressExpiry());
            values.put(":nowms", AttributeValue.fromN(Long.toString(times.now().toEpochMilli())));
        }
        if (function != null) {
            expression.append(" AND begins_with(#id, :scope)");
            attributeNames.put("#id", names.key());
            values.put(":scope", AttributeValue.fromS(function + "#"));
        }
        List<IdempotencyRecord> stuck = new ArrayList<>();
        long[] unreadable = {0};
        TableScan.Totals totals = scanOptions.scan(backend, context, err()).run(
                new TableScan.Filter(expression.toString(), attributeNames, values), item -> {
                    try {
                        stuck.add(backend.store().decode(item));
                    } catch (IdempotencyRecordUnreadableException e) {
                        unreadable[0]++;
                        err().println("warning: " + e.getMessage());
                    }
                });
        stuck.sort(Comparator.comparing(IdempotencyRecord::inProgressExpiresAt));
        RecordView view = view(times);
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("table", backend.table());
            document.put("now", times.json(times.now()));
            document.put("records", stuck.stream().map(view::json).toList());
            document.put("unreadable", unreadable[0]);
            document.put("scan", scanJson(totals));
            printJson(document);
            return ExitCodes.OK;
        }
        if (stuck.isEmpty()) {
            out().println("no " + (includeLive ? "in-progress" : "stuck") + " records in table " + backend.table()
                    + (function == null ? "" : " for function " + function));
            out().flush();
            return ExitCodes.OK;
        }
        TextTable table = new TextTable("RECORD", "CLAIMED", "LEASE ENDED", "OVERDUE", "OWNER");
        for (IdempotencyRecord record : stuck) {
            Instant since = view.since(record);
            Duration overdue = Duration.between(record.inProgressExpiresAt(), times.now());
            table.add(record.id(), since == null ? "?" : Times.age(Duration.between(since, times.now())) + " ago",
                    record.inProgressExpiresAt().toString(),
                    overdue.isNegative() ? "live, " + Times.age(overdue.negated()) + " left" : Times.age(overdue),
                    record.ownerToken() + (RecordScope.of(record.id()).map(RecordScope::handOver).orElse(false)
                            ? "  (async hand-over)" : ""));
        }
        table.print(out());
        out().println(stuck.size() + (includeLive ? " in progress" : " stuck") + "; free one with: release --id "
                + "RECORD --owner OWNER");
        out().flush();
        return ExitCodes.OK;
    }

    static Map<String, Object> scanJson(TableScan.Totals totals) {
        Map<String, Object> scan = new LinkedHashMap<>();
        scan.put("itemsRead", totals.scanned());
        scan.put("pages", totals.pages());
        scan.put("consumedRcu", totals.consumedRcu());
        return scan;
    }
}
