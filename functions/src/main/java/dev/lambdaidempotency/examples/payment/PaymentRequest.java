package dev.lambdaidempotency.examples.payment;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdaidempotency.examples.wiring.RequestBodies;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /payments}, validated.
 *
 * @param amount      positive, in minor units
 * @param currency    three upper-case letters
 * @param customerId  1-64 characters
 * @param description at most 200 characters, or {@code null}
 */
public record PaymentRequest(long amount, String currency, String customerId, String description) {
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    /**
     * Parses and validates the body of an API Gateway request (base64-decoding it when API Gateway says so).
     *
     * @param event  the request
     * @param mapper the JSON mapper
     * @return the request
     * @throws InvalidPaymentRequestException naming what is wrong
     */
    public static PaymentRequest fromEvent(APIGatewayProxyRequestEvent event, ObjectMapper mapper) {
        String body;
        try {
            body = RequestBodies.text(event);
        } catch (IllegalArgumentException e) {
            throw new InvalidPaymentRequestException(e.getMessage());
        }
        return parse(body, mapper);
    }

    /**
     * Parses and validates a request body.
     *
     * @param body   the HTTP body
     * @param mapper the JSON mapper
     * @return the request
     * @throws InvalidPaymentRequestException naming what is wrong
     */
    public static PaymentRequest parse(String body, ObjectMapper mapper) {
        if (body == null || body.isBlank()) {
            throw new InvalidPaymentRequestException("the request has no body; send a JSON object with amount, "
                    + "currency and customerId");
        }
        JsonNode json;
        try {
            json = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidPaymentRequestException("the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw new InvalidPaymentRequestException("the body must be a JSON object");
        }
        JsonNode amount = json.path("amount");
        if (!amount.canConvertToLong() || !amount.isIntegralNumber() || amount.longValue() <= 0) {
            throw new InvalidPaymentRequestException("amount must be a positive whole number of minor units "
                    + "(e.g. 1250 for 12.50)");
        }
        String currency = json.path("currency").asText("");
        if (!CURRENCY.matcher(currency).matches()) {
            throw new InvalidPaymentRequestException("currency must be an ISO 4217 code such as EUR");
        }
        String customerId = json.path("customerId").asText("");
        if (customerId.isBlank() || customerId.length() > 64) {
            throw new InvalidPaymentRequestException("customerId must be 1-64 characters");
        }
        JsonNode descriptionNode = json.path("description");
        String description = descriptionNode.isTextual() ? descriptionNode.textValue() : null;
        if (description != null && description.length() > 200) {
            throw new InvalidPaymentRequestException("description must be at most 200 characters");
        }
        return new PaymentRequest(amount.longValue(), currency, customerId, description);
    }
}
