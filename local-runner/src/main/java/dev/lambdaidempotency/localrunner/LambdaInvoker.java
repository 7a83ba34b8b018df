package dev.lambdaidempotency.localrunner;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import dev.lambdaidempotency.localrunner.trace.InvocationTrace;
import dev.lambdaidempotency.localrunner.trace.TraceSource;
import dev.lambdaidempotency.testkit.TestLambdaContext;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * Invokes a handler the way the Lambda Java runtime does: one handler instance per "execution environment" (made
 * with its public no-argument constructor), event JSON turned into the handler's input type by
 * aws-lambda-java-serialization (the runtime's own event mix-ins), the response turned back into JSON by it. Each
 * invocation runs inside a root opened by the {@link TraceSource} (as the Lambda service opens the function's
 * segment), whose trace comes back with the response. Thread-safe when the handler is.
 */
final class LambdaInvoker {
    private final SampleFunction function;
    private final RequestHandler<Object, Object> handler;
    private final PojoSerializer<Object> input;
    private final PojoSerializer<Object> output;
    private final TraceSource tracing;

    /** What one invocation returned; {@code trace} is null when tracing is off. */
    record Invocation(String requestId, Object response, String responseJson, Throwable error, List<String> logs,
            long millis, InvocationTrace trace) {
        boolean failed() {
            return error != null;
        }
    }

    private LambdaInvoker(SampleFunction function, RequestHandler<Object, Object> handler, Class<?> inputType,
            Class<?> outputType, TraceSource tracing) {
        this.function = function;
        this.tracing = tracing;
        this.handler = handler;
        this.input = serializerFor(inputType);
        this.output = serializerFor(outputType);
    }

    /**
     * Loads and instantiates the function's handler class (its constructor is the function's init phase).
     *
     * @param function the function
     * @param tracing  where each invocation's trace comes from ({@link TraceSource#NONE} for none)
     * @return the invoker
     */
    @SuppressWarnings("unchecked")
    static LambdaInvoker load(SampleFunction function, TraceSource tracing) {
        try {
            Class<?> type = Class.forName(function.handlerClass());
            Object instance = type.getDeclaredConstructor().newInstance();
            if (!(instance instanceof RequestHandler<?, ?>)) {
                throw new IllegalStateException(function.handlerClass() + " is not a RequestHandler");
            }
            Class<?>[] io = handlerTypes(type);
            return new LambdaInvoker(function, (RequestHandler<Object, Object>) instance, io[0], io[1],
                    tracing);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate " + function.handlerClass() + ": " + e, e);
        }
    }

    /**
     * Invokes the handler with an event.
     *
     * @param eventJson the event, as Lambda would receive it
     * @return the response (or the error) with the function's log lines
     */
    Invocation invoke(String eventJson) {
        LogLines log = new LogLines();
        TestLambdaContext context = TestLambdaContext.remaining(Clock.systemUTC(), function.timeout())
                .withFunctionName(function.logicalId()).withMemoryLimitInMB(1024).withLogger(log);
        long start = System.nanoTime();
        Object event = input.fromJson(eventJson);
        TraceSource.Recording recording = tracing.begin(function.logicalId());
        Object response;
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try {
            response = handler.handleRequest(event, context);
            output.toJson(response, json);
        } catch (RuntimeException e) {
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new Invocation(context.getAwsRequestId(), null, null, e, log.lines(), millis, recording.end(e));
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        InvocationTrace trace = recording.end(null);
        return new Invocation(context.getAwsRequestId(), response, json.toString(StandardCharsets.UTF_8), null,
                log.lines(), millis, trace);
    }

    private static Class<?>[] handlerTypes(Class<?> type) {
        for (Type generic : type.getGenericInterfaces()) {
            if (generic instanceof ParameterizedType parameterized
                    && parameterized.getRawType() == RequestHandler.class) {
                Type[] args = parameterized.getActualTypeArguments();
                return new Class<?>[] {(Class<?>) args[0], (Class<?>) args[1]};
            }
        }
        throw new IllegalStateException(type.getName() + " does not declare RequestHandler<I, O> directly");
    }

    @SuppressWarnings("unchecked")
    private static PojoSerializer<Object> serializerFor(Class<?> type) {
        ClassLoader loader = LambdaInvoker.class.getClassLoader();
        PojoSerializer<?> serializer = LambdaEventSerializers.isLambdaSupportedEvent(type.getName())
                ? LambdaEventSerializers.serializerFor(type, loader)
                : JacksonFactory.getInstance().getSerializer(type);
        return (PojoSerializer<Object>) serializer;
    }
}
