package dev.lambdaidempotency.it;

import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.spi.IdempotencyStore;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The race on DynamoDB Local: the conditional claim is the only thing standing between callers. */
class DynamoDbRaceIntegrationTest extends RaceScenarios {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    @Override
    protected List<IdempotencyStore> storesOnOneTable(int count) {
        DynamoDbIdempotencyStore first = aws.newStore(aws.dynamoDbClient());
        List<IdempotencyStore> stores = new ArrayList<>(List.of(first));
        while (stores.size() < count) {
            stores.add(DynamoDbIdempotencyStore.builder().client(aws.dynamoDbClient()).tableName(first.tableName())
                    .build());
        }
        return stores;
    }

    @Override
    protected int rounds(int instances) {
        return instances == 1 ? 120 : 80;    // ~70 ms a round on 2 cores
    }
}
