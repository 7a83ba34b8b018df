package dev.lambdaidempotency.examples.it;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lambdaidempotency.examples.orders.OrderConsumerFunction;
import dev.lambdaidempotency.examples.orders.SimulatedFulfilment;
import dev.lambdaidempotency.examples.payment.PaymentApiFunction;
import dev.lambdaidempotency.examples.payment.SimulatedPaymentProcessor;
import dev.lambdaidempotency.examples.report.ReportFunction;
import dev.lambdaidempotency.examples.report.ReportGenerator;
import dev.lambdaidempotency.examples.report.ReportRequest;
import dev.lambdaidempotency.examples.wiring.FunctionWiring;
import dev.lambdaidempotency.testkit.IdempotencyContract;
import dev.lambdaidempotency.testkit.LocalAwsExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The samples' captured events (events/) through the test kit's {@link IdempotencyContract}: for each event, a
 * repeat, concurrent duplicates, a changed payload and a missing key, on DynamoDB Local and S3Proxy, with each
 * sample's side effect counted (the charge, the fulfilment, the report generation).
 */
class SampleEventsContractIntegrationTest {
    @RegisterExtension
    static final LocalAwsExtension aws = LocalAwsExtension.embedded();

    private static final Path EVENTS = Path.of("..", "events");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicNode> paymentApi() {
        SimulatedPaymentProcessor processor = new SimulatedPaymentProcessor(Clock.systemUTC());
        return IdempotencyContract.forHandler(APIGatewayProxyRequestEvent.class, backend -> new PaymentApiFunction(
                        FunctionWiring.of(backend.store(), backend.resultStore()), request -> {
                            backend.effect();
                            return processor.charge(request);
                        }))
                .events(EVENTS.resolve("payment-request.json"), EVENTS.resolve("payment-request-changed-body.json"))
                .on(aws)
                .tests();
    }

    @TestFactory
    Stream<DynamicNode> orderConsumer() {
        SimulatedFulfilment fulfilment = new SimulatedFulfilment(Clock.systemUTC());
        return IdempotencyContract.forHandler(SQSEvent.class, backend -> new OrderConsumerFunction(
                        FunctionWiring.of(backend.store(), backend.resultStore()), order -> {
                            backend.effect();
                            return fulfilment.fulfil(order);
                        }))
                .events(EVENTS.resolve("orders-batch-with-duplicate.json"))
                .removeKey(event -> { // the key is the order id inside each message body
                    for (JsonNode message : event.path("Records")) {
                        ObjectNode body = parse(message.path("body").asText());
                        body.remove("orderId");
                        ((ObjectNode) message).put("body", body.toString());
                    }
                    return event;
                })
                .on(aws)
                .tests();
    }

    @TestFactory
    Stream<DynamicNode> reportGenerator() {
        ReportGenerator generator = new ReportGenerator(Clock.systemUTC(), 2_000);
        return IdempotencyContract.forHandler(ReportRequest.class, backend -> new ReportFunction(
                        FunctionWiring.of(backend.store(), backend.resultStore()), (ReportRequest request) -> {
                            backend.effect();
                            return generator.generate(request);
                        }))
                .events(EVENTS.resolve("report-request.json"))
                .changePayload(event -> event.put("customerId", "cus_someoneElse"))
                .removeKey(event -> {
                    event.remove("requestId");
                    return event;
                })
                // the sample validates its request before the library sees it: no requestId is a bad request
                .missingKeyIs(outcome -> outcome.error() instanceof IllegalArgumentException
                        && outcome.error().getMessage().contains("requestId"))
                .concurrency(4)
                .on(aws)
                .tests();
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
