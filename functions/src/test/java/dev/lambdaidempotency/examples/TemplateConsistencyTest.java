package dev.lambdaidempotency.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.examples.orders.OrderConsumerFunction;
import dev.lambdaidempotency.http.IdempotentHttp;
import dev.lambdaidempotency.metrics.EmfMetricsSink;
import dev.lambdaidempotency.s3.S3ResultStore;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * template.yaml agrees with the code: handlers exist and are instantiable the way Lambda does it, the table and
 * bucket match the library's defaults, environment variables are ones the functions read, permissions are the
 * minimum, and the dashboard and alarms use metrics the EMF sink writes. (CloudFormation's short-form tags such as
 * {@code !Ref} are read as plain values.)
 */
class TemplateConsistencyTest {
    private static final Path TEMPLATE = Path.of("..", "template.yaml");
    private static final Set<String> EMF_METRICS = Set.of(EmfMetricsSink.EXECUTIONS, EmfMetricsSink.REPLAYS,
            EmfMetricsSink.IN_PROGRESS_CONFLICTS, EmfMetricsSink.PAYLOAD_MISMATCHES, EmfMetricsSink.CLAIM_TAKEOVERS,
            EmfMetricsSink.HANDLER_ERRORS, EmfMetricsSink.IDEMPOTENCY_ERRORS, EmfMetricsSink.OFFLOADED_RESULTS,
            EmfMetricsSink.OFFLOADED_BYTES, EmfMetricsSink.STORE_LATENCY, EmfMetricsSink.RESULT_STORE_LATENCY);

    private static JsonNode template;
    private static JsonNode resources;

    @BeforeAll
    static void readTemplate() throws Exception {
        template = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(TEMPLATE));
        resources = template.path("Resources");
    }

    @Test
    void everyHandlerIsAPublicRequestHandlerWithANoArgumentConstructor() throws Exception {
        List<String> handlers = new ArrayList<>();
        for (Map.Entry<String, JsonNode> function : resourcesOfType("AWS::Serverless::Function")) {
            String handler = function.getValue().path("Properties").path("Handler").asText();
            String[] parts = handler.split("::");
            assertEquals(2, parts.length, function.getKey() + " handler " + handler);
            assertEquals("handleRequest", parts[1], function.getKey());
            Class<?> type = Class.forName(parts[0]);
            assertTrue(RequestHandler.class.isAssignableFrom(type), handler + " is a RequestHandler");
            assertTrue(Modifier.isPublic(type.getConstructor().getModifiers()), handler + " no-arg constructor");
            handlers.add(parts[0]);
        }
        assertEquals(4, handlers.size());
    }

    @Test
    void tableMatchesTheStoreDefaults() {
        JsonNode table = resources.path("IdempotencyTable").path("Properties");
        DynamoDbIdempotencyStore.RecordAttributes defaults = DynamoDbIdempotencyStore.RecordAttributes.DEFAULTS;
        assertEquals(defaults.expiry(), table.path("TimeToLiveSpecification").path("AttributeName").asText());
        assertTrue(table.path("TimeToLiveSpecification").path("Enabled").asBoolean());
        assertEquals(defaults.key(), table.path("KeySchema").path(0).path("AttributeName").asText());
        assertEquals("S", table.path("AttributeDefinitions").path(0).path("AttributeType").asText());
        assertEquals("PAY_PER_REQUEST", table.path("BillingMode").asText());
        assertTrue(table.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean());
        assertTrue(table.path("SSESpecification").path("SSEEnabled").asBoolean());
    }

    @Test
    void resultsExpireNoSoonerThanTheirRecords() {
        JsonNode rule = resources.path("ResultsBucket").path("Properties").path("LifecycleConfiguration")
                .path("Rules").path(0);
        assertEquals(S3ResultStore.DEFAULT_OBJECT_KEY_PREFIX, rule.path("Prefix").asText());
        JsonNode settings = template.path("Mappings").path("RecordTtlSettings");
        Set<String> allowed = new HashSet<>();
        template.path("Parameters").path("RecordTtl").path("AllowedValues").forEach(v -> allowed.add(v.asText()));
        assertEquals(allowed, fieldNames(settings));
        for (String ttl : allowed) {
            long seconds = Long.parseLong(settings.path(ttl).path("Seconds").asText());
            long days = settings.path(ttl).path("ResultExpiryDays").asLong();
            assertTrue(days >= 1 && days * 86_400 >= seconds, ttl + ": " + days + " days < " + seconds + " s");
        }
    }

    private static final String TABLE = "IDEMPOTENCY_TABLE";
    private static final String BUCKET = "IDEMPOTENCY_BUCKET";
    private static final String RECORD_TTL_SECONDS = "IDEMPOTENCY_RECORD_TTL_SECONDS";
    private static final Set<String> OFFLOADING = Set.of("ReportFunction", "ReportApiFunction");

    @Test
    void environmentVariablesAreOnesTheFunctionsRead() {
        // the library's variables (README: environment variables) and the JVM's
        Set<String> known = Set.of(TABLE, BUCKET, "IDEMPOTENCY_S3_PATH_STYLE", RECORD_TTL_SECONDS,
                "JAVA_TOOL_OPTIONS");
        Set<String> global = fieldNames(template.path("Globals").path("Function").path("Environment")
                .path("Variables"));
        assertTrue(known.containsAll(global), "unknown global variables: " + global);
        assertTrue(global.contains(TABLE));
        assertTrue(global.contains(RECORD_TTL_SECONDS));
        for (Map.Entry<String, JsonNode> function : resourcesOfType("AWS::Serverless::Function")) {
            Set<String> own = fieldNames(function.getValue().path("Properties").path("Environment")
                    .path("Variables"));
            assertTrue(known.containsAll(own), function.getKey() + ": unknown variables " + own);
            assertEquals(OFFLOADING.contains(function.getKey()), own.contains(BUCKET),
                    function.getKey() + ": only the report generator and its API offload results");
        }
    }

    @Test
    void rolesGrantOnlyTheItemAndObjectActionsTheFunctionsUse() {
        for (Map.Entry<String, JsonNode> role : resourcesOfType("AWS::IAM::Role")) {
            for (JsonNode policy : role.getValue().path("Properties").path("Policies")) {
                for (JsonNode statement : policy.path("PolicyDocument").path("Statement")) {
                    Set<String> actions = texts(statement.path("Action"));
                    String resource = statement.path("Resource").asText();
                    assertFalse(actions.stream().anyMatch(a -> a.endsWith("*")), role.getKey() + " " + actions);
                    if ("*".equals(resource)) {
                        assertEquals(Set.of("xray:PutTraceSegments", "xray:PutTelemetryRecords"), actions,
                                role.getKey() + ": only X-Ray (no resource-level permissions) may use Resource *");
                    }
                    if (actions.stream().anyMatch(a -> a.startsWith("dynamodb:"))) {
                        assertEquals(Set.of("dynamodb:PutItem", "dynamodb:DeleteItem"), actions, role.getKey());
                        assertEquals("IdempotencyTable.Arn", resource, role.getKey());
                    }
                    if (actions.equals(Set.of("s3:ListBucket"))) {
                        assertEquals("ResultsBucket.Arn", resource, role.getKey() + ": ListBucket on the bucket");
                    } else if (actions.stream().anyMatch(a -> a.startsWith("s3:"))) {
                        assertEquals(Set.of("s3:GetObject", "s3:PutObject"), actions, role.getKey());
                        assertTrue(resource.endsWith("/" + S3ResultStore.DEFAULT_OBJECT_KEY_PREFIX + "*"), resource);
                    }
                }
            }
        }
        assertFalse(Files.exists(TEMPLATE) && readQuietly().contains("FullAccess"));
    }

    /**
     * Without {@code s3:ListBucket}, S3 answers a GET of a missing result object with 403 (a retryable store error,
     * forever) instead of 404 (the typed "result unavailable"); LocalStack does not enforce IAM, so only this check
     * can catch its loss.
     */
    @Test
    void theReportFunctionMayListTheResultsBucketSoAMissingObjectIsA404() {
        Set<String> listed = new TreeSet<>();
        for (Map.Entry<String, JsonNode> role : resourcesOfType("AWS::IAM::Role")) {
            for (JsonNode policy : role.getValue().path("Properties").path("Policies")) {
                for (JsonNode statement : policy.path("PolicyDocument").path("Statement")) {
                    if (texts(statement.path("Action")).contains("s3:ListBucket")
                            && "Allow".equals(statement.path("Effect").asText())
                            && "ResultsBucket.Arn".equals(statement.path("Resource").asText())
                            && statement.path("Condition").isMissingNode()) {
                        listed.add(role.getKey());
                    }
                }
            }
        }
        String reportRole = resources.path("ReportFunction").path("Properties").path("Role").asText();
        String reportApiRole = resources.path("ReportApiFunction").path("Properties").path("Role").asText();
        assertEquals(Set.of("ReportRole.Arn", "ReportApiRole.Arn"), Set.of(reportRole, reportApiRole));
        assertEquals(Set.of("ReportRole", "ReportApiRole"), listed,
                "only the offloading functions list the results bucket");
    }

    @Test
    void dashboardAndAlarmsUseTheEmfNamespaceMetricsAndScopes() {
        Set<String> used = new TreeSet<>();
        for (Map.Entry<String, JsonNode> alarm : resourcesOfType("AWS::CloudWatch::Alarm")) {
            for (JsonNode query : alarm.getValue().path("Properties").path("Metrics")) {
                JsonNode metric = query.path("MetricStat").path("Metric");
                if (metric.isMissingNode()) {
                    continue;
                }
                assertEquals(EmfMetricsSink.DEFAULT_NAMESPACE, metric.path("Namespace").asText());
                assertEquals(EmfMetricsSink.SCOPE, metric.path("Dimensions").path(0).path("Name").asText());
                used.add(metric.path("MetricName").asText());
            }
        }
        assertEquals(Set.of(EmfMetricsSink.EXECUTIONS, EmfMetricsSink.REPLAYS, EmfMetricsSink.CLAIM_TAKEOVERS,
                EmfMetricsSink.IDEMPOTENCY_ERRORS), used);

        String dashboard = resources.path("IdempotencyDashboard").path("Properties").path("DashboardBody").path(0)
                .asText();
        assertTrue(dashboard.contains("\"" + EmfMetricsSink.DEFAULT_NAMESPACE + "\""));
        Set<String> dashboardMetrics = EMF_METRICS.stream().filter(m -> dashboard.contains("\"" + m + "\""))
                .collect(Collectors.toSet());
        assertEquals(EMF_METRICS, dashboardMetrics, "every EMF metric is on the dashboard");
        String ordersScope = resources.path("IdempotencyDashboard").path("Properties").path("DashboardBody")
                .path(1).path("Orders").asText();
        assertEquals("${OrderConsumerFunction}@" + OrderConsumerFunction.OPERATION, ordersScope);
        String paymentScope = resources.path("IdempotencyDashboard").path("Properties").path("DashboardBody")
                .path(1).path("Payment").asText();
        assertEquals("${PaymentApiFunction}@" + IdempotentHttp.DEFAULT_OPERATION_NAME, paymentScope);
    }

    /**
     * The asynchronous report API hands accepted requests to itself: only its role may invoke a function, only that
     * function (by name, with any qualifier), and it retries no longer than the claim's lease holds.
     */
    @Test
    void onlyTheAsynchronousReportApiMayInvokeAFunctionAndOnlyItself() {
        Map<String, Set<String>> invokes = new java.util.TreeMap<>();
        for (Map.Entry<String, JsonNode> role : resourcesOfType("AWS::IAM::Role")) {
            for (JsonNode policy : role.getValue().path("Properties").path("Policies")) {
                for (JsonNode statement : policy.path("PolicyDocument").path("Statement")) {
                    if (texts(statement.path("Action")).stream().anyMatch(a -> a.startsWith("lambda:"))) {
                        assertEquals(Set.of("lambda:InvokeFunction"), texts(statement.path("Action")));
                        invokes.put(role.getKey(), texts(statement.path("Resource")));
                    }
                }
            }
        }
        String function = resources.path("ReportApiFunction").path("Properties").path("FunctionName").asText();
        String arn = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:" + function;
        assertEquals(Map.of("ReportApiRole", Set.of(arn, arn + ":*")), invokes);
        JsonNode config = resources.path("ReportApiFunction").path("Properties").path("EventInvokeConfig");
        assertTrue(config.path("MaximumEventAgeInSeconds").asLong()
                <= dev.lambdaidempotency.http.AsyncMode.DEFAULT_LEASE.toSeconds());
    }

    @Test
    void orderConsumerReportsBatchItemFailuresAndTheQueueHasADeadLetterQueue() {
        JsonNode event = resources.path("OrderConsumerFunction").path("Properties").path("Events").path("Orders");
        assertEquals("SQS", event.path("Type").asText());
        assertEquals(Set.of("ReportBatchItemFailures"), texts(event.path("Properties").path("FunctionResponseTypes")));
        JsonNode queue = resources.path("OrdersQueue").path("Properties");
        assertNotNull(queue.path("RedrivePolicy").path("deadLetterTargetArn").textValue());
        int timeout = resources.path("OrderConsumerFunction").path("Properties").path("Timeout").asInt();
        assertTrue(queue.path("VisibilityTimeout").asInt() >= 6 * timeout);
    }

    private static List<Map.Entry<String, JsonNode>> resourcesOfType(String type) {
        List<Map.Entry<String, JsonNode>> found = new ArrayList<>();
        for (Map.Entry<String, JsonNode> resource : resources.properties()) {
            if (type.equals(resource.getValue().path("Type").asText())) {
                found.add(resource);
            }
        }
        return found;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.properties().forEach(property -> names.add(property.getKey()));
        return names;
    }

    private static Set<String> texts(JsonNode node) {
        if (node.isTextual()) {
            return Set.of(node.asText());
        }
        return StreamSupport.stream(node.spliterator(), false).map(JsonNode::asText).collect(Collectors.toSet());
    }

    private static String readQuietly() {
        try {
            return Files.readString(TEMPLATE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
