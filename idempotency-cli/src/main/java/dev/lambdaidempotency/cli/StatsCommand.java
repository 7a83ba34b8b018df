package dev.lambdaidempotency.cli;

import dev.lambdaidempotency.IdempotencyRecordUnreadableException;
import dev.lambdaidempotency.spi.IdempotencyRecord;
import dev.lambdaidempotency.spi.RecordStatus;
import dev.lambdaidempotency.spi.StoredResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@code stats}: counts by function, operation and state, the oldest record, stored result sizes. */
@Command(name = "stats", sortOptions = false, footer = ExitCodes.HELP,
        description = {"Counts records by function, operation and state (in progress, stuck past its lease, "
                + "completed, expired but not yet swept by the TTL), finds the oldest record and sums stored result "
                + "sizes (inline and offloaded).",
                "Scans the table (paginated, at most --max-rcu read units per second, progress on stderr) and "
                + "aggregates as pages arrive: memory grows with the number of functions and operations, never "
                + "with the number of records."})
final class StatsCommand extends TableCommand {
    @Option(names = "--function", paramLabel = "NAME", description = "Only this function's records.")
    String function;

    @Mixin
    ScanOptions scanOptions;

    StatsCommand(CliContext context) {
        super(context);
    }

    /** The counters of one function and operation. */
    static final class Group {
        long inProgress;
        long stuck;
        long completed;
        long expired;
        long inlineBytes;
        long offloaded;
        long offloadedBytes;

        long total() {
            return inProgress + stuck + completed + expired;
        }

        void add(Group other) {
            inProgress += other.inProgress;
            stuck += other.stuck;
            completed += other.completed;
            expired += other.expired;
            inlineBytes += other.inlineBytes;
            offloaded += other.offloaded;
            offloadedBytes += other.offloadedBytes;
        }

        Map<String, Object> json() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("inProgress", inProgress);
            map.put("stuck", stuck);
            map.put("completed", completed);
            map.put("expired", expired);
            map.put("total", total());
            map.put("inlineBytes", inlineBytes);
            map.put("offloaded", offloaded);
            map.put("offloadedBytes", offloadedBytes);
            return map;
        }
    }

    @Override
    int run(Backend backend, Times times) throws InterruptedException {
        TableScan.Filter filter = function == null ? TableScan.Filter.NONE
                : new TableScan.Filter("begins_with(#id, :scope)", Map.of("#id", backend.store().attributes().key()),
                        Map.of(":scope", AttributeValue.fromS(function + "#")));
        Map<List<String>, Group> groups = new TreeMap<>((a, b) -> a.get(0).equals(b.get(0))
                ? a.get(1).compareTo(b.get(1)) : a.get(0).compareTo(b.get(0)));
        IdempotencyRecord[] oldest = {null};
        long[] unreadable = {0};
        RecordView view = view(times);
        TableScan.Totals totals = scanOptions.scan(backend, context, err()).run(filter, item -> {
            IdempotencyRecord record;
            try {
                record = backend.store().decode(item);
            } catch (IdempotencyRecordUnreadableException e) {
                unreadable[0]++;
                return;
            }
            RecordScope scope = RecordScope.of(record.id()).orElse(new RecordScope("(other)", null, null));
            Group group = groups.computeIfAbsent(List.of(scope.functionColumn(), scope.operationColumn()),
                    k -> new Group());
            if (record.isExpired(times.now())) {
                group.expired++;
            } else if (record.status() == RecordStatus.COMPLETED) {
                group.completed++;
            } else if (view.leasePassed(record)) {
                group.stuck++;
            } else {
                group.inProgress++;
            }
            if (record.result() instanceof StoredResult.Inline inline) {
                group.inlineBytes += inline.json().getBytes(StandardCharsets.UTF_8).length;
            } else if (record.result() instanceof StoredResult.Offloaded offloaded) {
                group.offloaded++;
                group.offloadedBytes += offloaded.pointer().size();
            }
            if (oldest[0] == null || record.expiresAt().isBefore(oldest[0].expiresAt())) {
                oldest[0] = record;
            }
        });
        Group all = new Group();
        groups.values().forEach(all::add);
        Instant oldestSince = oldest[0] == null ? null : view.since(oldest[0]);
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("table", backend.table());
            document.put("now", times.json(times.now()));
            List<Map<String, Object>> rows = new ArrayList<>();
            groups.forEach((key, group) -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("function", key.get(0));
                row.put("operation", key.get(1));
                row.putAll(group.json());
                rows.add(row);
            });
            document.put("groups", rows);
            document.put("total", all.json());
            document.put("unreadable", unreadable[0]);
            if (oldest[0] != null) {
                Map<String, Object> old = new LinkedHashMap<>();
                old.put("id", oldest[0].id());
                old.put("status", oldest[0].status().name());
                old.put("since", oldestSince == null ? null : times.json(oldestSince));
                old.put("expiresAt", times.json(oldest[0].expiresAt()));
                document.put("oldest", old);
            } else {
                document.put("oldest", null);
            }
            document.put("scan", StuckCommand.scanJson(totals));
            printJson(document);
            return ExitCodes.OK;
        }
        TextTable table = new TextTable("FUNCTION", "OPERATION", "IN_PROGRESS", "STUCK", "COMPLETED", "EXPIRED",
                "TOTAL", "INLINE BYTES", "OFFLOADED", "OFFLOADED BYTES").alignRight(2, 3, 4, 5, 6, 7, 8, 9);
        groups.forEach((key, g) -> table.add(key.get(0), key.get(1), g.inProgress, g.stuck, g.completed, g.expired,
                g.total(), g.inlineBytes, g.offloaded, g.offloadedBytes));
        table.add("all", "", all.inProgress, all.stuck, all.completed, all.expired, all.total(), all.inlineBytes,
                all.offloaded, all.offloadedBytes);
        table.print(out());
        if (oldest[0] != null) {
            out().println("oldest record: " + oldest[0].id() + " (" + oldest[0].status() + ", "
                    + (oldestSince == null ? "" : "since " + times.human(oldestSince) + "; ") + "expires "
                    + times.relative(oldest[0].expiresAt()) + ")");
        }
        if (unreadable[0] > 0) {
            out().println(unreadable[0] + " item(s) are not readable idempotency records");
        }
        out().printf("read %,d items in %d page(s), %.1f RCU%n", totals.scanned(), totals.pages(),
                totals.consumedRcu());
        out().flush();
        return ExitCodes.OK;
    }
}
