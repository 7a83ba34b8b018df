package dev.lambdaidempotency.it.readme;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.lambdaidempotency.Idempotency;
import dev.lambdaidempotency.IdempotencyConfig;
import dev.lambdaidempotency.dynamodb.DynamoDbIdempotencyStore;
import dev.lambdaidempotency.s3.S3ResultStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

// README.md, section "Stream handlers": the example below is checked to be the README's text, line for line
// (ReadmeStreamHandlerExampleTest), so this compiling means the README's example compiles.
// README example start
public class ReportStreamFunction implements RequestStreamHandler {
    private final RequestStreamHandler handler = Idempotency.builder()
        .store(DynamoDbIdempotencyStore.builder().build())                  // table: IDEMPOTENCY_TABLE
        .resultStore(S3ResultStore.builder().build())                        // large outputs: IDEMPOTENCY_BUCKET
        .config(IdempotencyConfig.builder().keyPath("reportId").build())
        .build()
        .wrapStream((input, output, context) -> output.write(ReportRenderer.render(input.readAllBytes())));

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        handler.handleRequest(input, output, context);
    }
}
// README example end
