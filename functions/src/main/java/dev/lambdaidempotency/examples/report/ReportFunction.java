package dev.lambdaidempotency.examples.report;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.examples.wiring.FunctionWiring;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;

/**
 * Generates a monthly statement at most once per {@code requestId} and returns it.
 *
 * <p>The statement (about 3 MB of JSON) is the idempotent result. It is far over the 32 KiB offload threshold,
 * so the library writes it to S3 before recording the invocation; the DynamoDB item keeps only a pointer (bucket,
 * key, size, SHA-256). A repeat of the same request returns the stored statement, byte for byte the same JSON, without
 * generating it again; the same {@code requestId} with a different customer or period is refused.
 *
 * <p>Invoked directly (Step Functions, a scheduler, {@code aws lambda invoke}); errors surface as function errors
 * whose type tells a caller whether to retry ({@code IdempotencyInProgressException}) or not.
 */
public final class ReportFunction implements RequestHandler<ReportRequest, Report> {
    /** The record scope outside Lambda (inside, the function's name). */
    public static final String LOCAL_FUNCTION_NAME = "report-generator";

    /** Kept for as long as the function lives: it holds the SnapStart priming hook, which CRaC holds weakly. */
    private final Idempotency idempotency;
    private final RequestHandler<ReportRequest, Report> generate;

    /** Used by the Lambda runtime: wiring from the environment, default report size. */
    public ReportFunction() {
        this(FunctionWiring.environment(), new ReportGenerator(Clock.systemUTC(), ReportGenerator.DEFAULT_TRANSACTIONS));
    }

    /**
     * @param wiring    the AWS wiring (its result store keeps the reports, all far over the offload threshold)
     * @param generator builds reports
     */
    public ReportFunction(FunctionWiring wiring, ReportGenerator generator) {
        this(wiring, Objects.requireNonNull(generator, "generator")::generate);
    }

    /**
     * @param wiring   the AWS wiring
     * @param generate builds the report for a request (tests count its calls)
     */
    public ReportFunction(FunctionWiring wiring, Function<ReportRequest, Report> generate) {
        Objects.requireNonNull(generate, "generate");
        this.idempotency = wiring.idempotencyWithOffload(LOCAL_FUNCTION_NAME, config -> config
                .keyPath("requestId")
                .validatePayload(true));
        this.generate = idempotency.wrap((request, context) -> generate.apply(request), Report.class);
    }

    @Override
    public Report handleRequest(ReportRequest request, Context context) {
        Objects.requireNonNull(request, "the event must be a report request");
        return generate.handleRequest(request.validated(), context);
    }
}
