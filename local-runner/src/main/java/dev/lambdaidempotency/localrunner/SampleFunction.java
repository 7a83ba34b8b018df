package dev.lambdaidempotency.localrunner;

import java.time.Duration;
import java.util.Locale;

/** The functions of template.yaml, by logical id, with the handler and timeout the template gives them. */
enum SampleFunction {
    PAYMENT_API("PaymentApiFunction", "payment", "dev.lambdaidempotency.examples.payment.PaymentApiFunction",
            Duration.ofSeconds(10)),
    ORDER_CONSUMER("OrderConsumerFunction", "orders", "dev.lambdaidempotency.examples.orders.OrderConsumerFunction",
            Duration.ofSeconds(60)),
    REPORT("ReportFunction", "report", "dev.lambdaidempotency.examples.report.ReportFunction",
            Duration.ofSeconds(60));

    private final String logicalId;
    private final String shortName;
    private final String handlerClass;
    private final Duration timeout;

    SampleFunction(String logicalId, String shortName, String handlerClass, Duration timeout) {
        this.logicalId = logicalId;
        this.shortName = shortName;
        this.handlerClass = handlerClass;
        this.timeout = timeout;
    }

    String logicalId() {
        return logicalId;
    }

    String handlerClass() {
        return handlerClass;
    }

    Duration timeout() {
        return timeout;
    }

    static SampleFunction named(String name) {
        for (SampleFunction function : values()) {
            if (function.logicalId.equalsIgnoreCase(name) || function.shortName.equals(name.toLowerCase(Locale.ROOT))) {
                return function;
            }
        }
        throw new IllegalArgumentException("unknown function \"" + name + "\"; one of PaymentApiFunction (payment), "
                + "OrderConsumerFunction (orders), ReportFunction (report)");
    }
}
