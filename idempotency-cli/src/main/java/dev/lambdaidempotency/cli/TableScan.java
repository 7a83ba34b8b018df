package dev.lambdaidempotency.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * A paginated, rate-limited Scan of the table that hands each item to a consumer as its page arrives: no more than
 * one page is ever held in memory, whatever the table's size. Every request asks for
 * {@code ReturnConsumedCapacity=TOTAL}, and the {@link RcuBudget} waits between pages to keep the average rate at or
 * below {@code --max-rcu}. One progress line per page goes to stderr.
 */
final class TableScan {
    private final DynamoDbClient client;
    private final String table;
    private final int pageSize;
    private final RcuBudget budget;
    private final PrintWriter progress;

    /** What a scan read. */
    record Totals(long scanned, long matched, int pages, double consumedRcu) {
    }

    /** A server-side filter (it saves transfer, not read capacity: DynamoDB charges for every item it reads). */
    record Filter(String expression, Map<String, String> names, Map<String, AttributeValue> values) {
        static final Filter NONE = new Filter(null, Map.of(), Map.of());
    }

    TableScan(DynamoDbClient client, String table, int pageSize, RcuBudget budget, PrintWriter progress) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page-size must be positive, was " + pageSize);
        }
        this.client = client;
        this.table = table;
        this.pageSize = pageSize;
        this.budget = budget;
        this.progress = progress;
    }

    Totals run(Filter filter, Consumer<Map<String, AttributeValue>> each) throws InterruptedException {
        Map<String, AttributeValue> startKey = null;
        long scanned = 0;
        long matched = 0;
        int pages = 0;
        do {
            ScanRequest.Builder request = ScanRequest.builder().tableName(table).limit(pageSize)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
            if (filter.expression() != null) {
                request.filterExpression(filter.expression()).expressionAttributeNames(filter.names())
                        .expressionAttributeValues(filter.values());
            }
            if (startKey != null) {
                request.exclusiveStartKey(startKey);
            }
            ScanResponse page = client.scan(request.build());
            pages++;
            scanned += page.scannedCount() == null ? page.count() : page.scannedCount();
            matched += page.count();
            page.items().forEach(each);
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey()
                    : null;
            double units = page.consumedCapacity() == null || page.consumedCapacity().capacityUnits() == null ? 0
                    : page.consumedCapacity().capacityUnits();
            progress.printf("scan %s: page %d, %,d items read, %,d matched, %.1f RCU%s%n", table, pages, scanned,
                    matched, budget.consumed() + units, startKey == null ? ", done" : "");
            progress.flush();
            budget.spend(units);
        } while (startKey != null);
        return new Totals(scanned, matched, pages, budget.consumed());
    }
}
