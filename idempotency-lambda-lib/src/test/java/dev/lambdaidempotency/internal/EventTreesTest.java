package dev.lambdaidempotency.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Events are read without databind exactly as databind's default mapper reads them: the library's values equal the
 * converted databind trees, so record ids and payload hashes did not change when databind became optional.
 */
class EventTreesTest {
    /** The mapper the library built before databind became optional. */
    private static final ObjectMapper DATABIND = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private static void assertReadAsDatabindReadsIt(Object event) {
        // by canonical hash: databind keeps 1.50 as 1.5, which hashes the same (numbers by value)
        JsonValue expected = DatabindTrees.toValue(DATABIND.valueToTree(event));
        assertEquals(CanonicalJson.sha256(expected), CanonicalJson.sha256(EventTrees.DEFAULT.apply(event)),
                () -> event.getClass().getName() + ": " + expected + " vs " + EventTrees.DEFAULT.apply(event));
    }

    @Test
    void theHttpEventClassesReadAsDatabindReadsThem() {
        APIGatewayProxyRequestEvent rest = new APIGatewayProxyRequestEvent().withHttpMethod("POST")
                .withPath("/orders").withHeaders(Map.of("Idempotency-Key", "k-1"))
                .withMultiValueHeaders(Map.of("X", List.of("a", "b"))).withBody("{\"orderId\":\"o-1\"}")
                .withIsBase64Encoded(false).withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                        .withRequestId("r-1").withAccountId("123").withIdentity(
                                new APIGatewayProxyRequestEvent.RequestIdentity().withSourceIp("1.2.3.4")));
        assertReadAsDatabindReadsIt(rest);
        assertReadAsDatabindReadsIt(new APIGatewayProxyRequestEvent());
        assertReadAsDatabindReadsIt(APIGatewayV2HTTPEvent.builder().withRawPath("/p").withBody("e30=")
                .withIsBase64Encoded(true).withHeaders(Map.of("idempotency-key", "k-1"))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("r-2")
                        .withTimeEpoch(1_700_000_000_000L).build()).build());
        ApplicationLoadBalancerRequestEvent alb = new ApplicationLoadBalancerRequestEvent();
        alb.setBody("b");
        alb.setIsBase64Encoded(true);
        alb.setHeaders(Map.of("h", "v"));
        assertReadAsDatabindReadsIt(alb);
        APIGatewayV2WebSocketEvent webSocket = new APIGatewayV2WebSocketEvent();
        webSocket.setBody("x");
        webSocket.setIsBase64Encoded(true);
        assertReadAsDatabindReadsIt(webSocket);
        assertReadAsDatabindReadsIt(new APIGatewayProxyResponseEvent().withStatusCode(201).withBody("ok"));
    }

    @Test
    void anSqsEventReadsAsDatabindReadsIt() {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("m-1");
        message.setBody("{\"orderId\":\"o-1\"}");
        message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        assertReadAsDatabindReadsIt(event);
    }

    @Test
    void kinesisAndDynamoDbStreamEventsWithBinaryDataReadAsDatabindReadsThem() {
        KinesisEvent.Record data = new KinesisEvent.Record();
        data.setData(ByteBuffer.wrap("{\"orderId\":\"o-1\"}".getBytes(StandardCharsets.UTF_8)));
        data.setSequenceNumber("49590338271490256608559692538361571095921575989136588898");
        data.setApproximateArrivalTimestamp(new Date(1_700_000_000_000L));
        KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
        record.setKinesis(data);
        record.setEventID("shardId-000000000000:1");
        KinesisEvent kinesis = new KinesisEvent();
        kinesis.setRecords(List.of(record));
        assertReadAsDatabindReadsIt(kinesis);

        StreamRecord change = new StreamRecord();
        change.setKeys(Map.of("pk", new AttributeValue().withS("o-1")));
        change.setNewImage(Map.of("blob", new AttributeValue().withB(ByteBuffer.wrap(new byte[] {1, 2, 3})),
                "n", new AttributeValue().withN("12.50"), "tags", new AttributeValue().withSS("a", "b")));
        change.setSequenceNumber("111");
        DynamodbEvent.DynamodbStreamRecord streamRecord = new DynamodbEvent.DynamodbStreamRecord();
        streamRecord.setDynamodb(change);
        streamRecord.setEventName("INSERT");
        DynamodbEvent dynamoDb = new DynamodbEvent();
        dynamoDb.setRecords(List.of(streamRecord));
        assertReadAsDatabindReadsIt(dynamoDb);
    }

    /** A record with every kind of value an event may carry. */
    public record Everything(String text, int count, long big, double ratio, float small, BigDecimal amount,
            BigInteger huge, boolean flag, Boolean maybe, List<Object> items, Map<Object, Object> map, Kind kind,
            byte[] bytes, char[] chars, Date when, UUID id, Set<String> tags, Object nothing, int[] numbers,
            PublicFields nested) {
    }

    /** An enum. */
    public enum Kind { A, B }

    /** Public fields and getters, upper-case getter names. */
    public static final class PublicFields {
        /** A public field. */
        public String field = "f";
        /** Not read: transient. */
        public transient String skipped = "s";

        /**
         * @return an upper-case name, read as {@code url}
         */
        public String getURL() {
            return "u";
        }

        /**
         * @return a boxed is-getter
         */
        public Boolean isActive() {
            return Boolean.TRUE;
        }

        /**
         * @return not a getter: is-getters must return a boolean
         */
        public String isNotAGetter() {
            return "no";
        }
    }

    @Test
    void recordsBeansAndJdkValuesReadAsDatabindReadsThem() {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("s", "v");
        map.put(1, null);
        map.put(Kind.B, 2.5);
        assertReadAsDatabindReadsIt(new Everything("t", 1, Long.MAX_VALUE, 0.1, 1.1f, new BigDecimal("1.50"),
                new BigInteger("123456789012345678901234567890"), true, null, Arrays.asList(1, "two", null, 3.0),
                map, Kind.A, new byte[] {1, 2, (byte) 0xff}, "chars".toCharArray(), new Date(1_700_000_000_123L),
                UUID.fromString("00000000-0000-0000-0000-000000000001"), Set.of("x"), null, new int[] {1, 2},
                new PublicFields()));
    }

    /** Renamed by an annotation only databind reads. */
    public static final class Annotated {
        /**
         * @return the id, named {@code order_id} by the annotation
         */
        @JsonProperty("order_id")
        public String getOrderId() {
            return "o-1";
        }
    }

    @Test
    void aClassWithJacksonAnnotationsIsReadByDatabindWhenItIsThere() {
        assertTrue(EventTrees.databindAvailable());
        assertReadAsDatabindReadsIt(new Annotated());
        assertEquals(JsonValue.of("o-1"), EventTrees.DEFAULT.apply(new Annotated()).get("order_id"));
    }

    @Test
    void whatDatabindsDefaultMapperRefusesIsRefused() {
        for (Object refused : List.of(Instant.EPOCH, Optional.of("x"), new Object())) {
            assertThrows(IllegalArgumentException.class, () -> DATABIND.valueToTree(refused), refused::toString);
            assertThrows(EventTrees.UnconvertibleException.class, () -> EventTrees.DEFAULT.apply(refused),
                    refused::toString);
        }
    }
}
