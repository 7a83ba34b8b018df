package dev.lambdaidempotency.examples.report;

import java.util.regex.Pattern;

/**
 * A request for a monthly statement, as sent by the caller (Step Functions, a scheduler, {@code aws lambda invoke}):
 * {@code {"requestId": "...", "customerId": "...", "period": "2025-05"}}.
 *
 * <p>A mutable JavaBean rather than a record: the Lambda Java runtime's serializer (aws-lambda-java-serialization
 * 1.2.0) cannot construct records from event JSON.
 */
public final class ReportRequest {
    private static final Pattern PERIOD = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])");

    private String requestId;
    private String customerId;
    private String period;

    /** An empty request, for the runtime's deserializer. */
    public ReportRequest() {
    }

    /**
     * @param requestId  the caller's idempotency key: one report per request id
     * @param customerId whose statement
     * @param period     the month, {@code YYYY-MM}
     */
    public ReportRequest(String requestId, String customerId, String period) {
        this.requestId = requestId;
        this.customerId = customerId;
        this.period = period;
    }

    /**
     * Checks the request before any work (or idempotency claim) is done.
     *
     * @return this request
     * @throws IllegalArgumentException naming what is wrong
     */
    public ReportRequest validated() {
        if (requestId == null || requestId.isBlank()) {
            throw new IllegalArgumentException("requestId is required: it is the idempotency key of the report");
        }
        if (customerId == null || customerId.isBlank()) {
            throw new IllegalArgumentException("customerId is required");
        }
        if (period == null || !PERIOD.matcher(period).matches()) {
            throw new IllegalArgumentException("period must be a month as YYYY-MM, was " + period);
        }
        return this;
    }

    /** @return the caller's idempotency key */
    public String getRequestId() {
        return requestId;
    }

    /** @param requestId the caller's idempotency key */
    public void setRequestId(String requestId) {
        this.requestId = requestId;
    }

    /** @return whose statement */
    public String getCustomerId() {
        return customerId;
    }

    /** @param customerId whose statement */
    public void setCustomerId(String customerId) {
        this.customerId = customerId;
    }

    /** @return the month, {@code YYYY-MM} */
    public String getPeriod() {
        return period;
    }

    /** @param period the month, {@code YYYY-MM} */
    public void setPeriod(String period) {
        this.period = period;
    }
}
