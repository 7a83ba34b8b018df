package dev.lambdaidempotency.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestLambdaContextTest {
    @Test
    void remainingTimeFollowsTheClockToTheDeadline() {
        MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));
        TestLambdaContext context = TestLambdaContext.remaining(clock, Duration.ofSeconds(3));
        assertEquals(3000, context.getRemainingTimeInMillis());
        clock.advance(Duration.ofMillis(2500));
        assertEquals(500, context.getRemainingTimeInMillis());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(0, context.getRemainingTimeInMillis());
    }

    @Test
    void copiesChangeOnlyWhatTheyName() {
        List<String> lines = new ArrayList<>();
        LambdaLogger keep = new LambdaLogger() {
            @Override
            public void log(String message) {
                lines.add(message);
            }

            @Override
            public void log(byte[] message) {
                lines.add(new String(message, java.nio.charset.StandardCharsets.UTF_8));
            }
        };
        TestLambdaContext plain = TestLambdaContext.fixed(1000);
        TestLambdaContext local = plain.withFunctionName("PaymentApiFunction").withMemoryLimitInMB(1024)
                .withLogger(keep);
        assertEquals("test", plain.getFunctionName());
        assertEquals(512, plain.getMemoryLimitInMB());
        assertEquals("PaymentApiFunction", local.getFunctionName());
        assertEquals("/aws/lambda/PaymentApiFunction", local.getLogGroupName());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:PaymentApiFunction",
                local.getInvokedFunctionArn());
        assertEquals(1024, local.getMemoryLimitInMB());
        assertEquals(plain.getAwsRequestId(), local.getAwsRequestId());
        assertEquals(plain.deadline(), local.deadline());
        assertSame(keep, local.getLogger());
        local.getLogger().log("created payment pay_1");
        assertEquals(List.of("created payment pay_1"), lines);
        assertNotEquals(plain.getAwsRequestId(), TestLambdaContext.fixed(1000).getAwsRequestId());
    }
}
