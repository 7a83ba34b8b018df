package dev.lambdaidempotency.http.internal;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerResponseEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One trigger's request and response event classes, read into and written from the shape-neutral
 * {@link HttpRequest} and {@link StoredResponse}.
 *
 * @param <I> the request event
 * @param <O> the response event
 */
public interface EventShape<I, O> {
    /** API Gateway REST APIs (payload format 1.0). */
    EventShape<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> REST_API = new RestApi();
    /** API Gateway HTTP APIs (payload format 2.0) and Lambda Function URLs. */
    EventShape<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> HTTP_API = new HttpApi();
    /** Application Load Balancer targets, single- or multi-value headers. */
    EventShape<ApplicationLoadBalancerRequestEvent, ApplicationLoadBalancerResponseEvent> ALB = new Alb();

    /**
     * Reads a request.
     *
     * @param event the event (not {@code null})
     * @return its neutral form
     */
    HttpRequest request(I event);

    /**
     * Reads a handler's response.
     *
     * @param response the response (not {@code null})
     * @return its recorded form
     */
    StoredResponse stored(O response);

    /**
     * Writes a response for {@code event}.
     *
     * @param stored the response
     * @param event  the request it answers
     * @return a new response event
     */
    O response(StoredResponse stored, I event);

    /**
     * Removes a header from {@code event}, in every header map it has (names compared case-insensitively; the maps
     * are replaced by copies).
     *
     * @param event the request
     * @param name  the header name
     */
    void removeHeader(I event, String name);

    /**
     * A copy of {@code headers} without {@code name} (case-insensitively), or {@code null} for {@code null}.
     *
     * @param headers a header map, or {@code null}
     * @param name    the header name
     * @param <V>     the value type
     * @return the copy
     */
    static <V> Map<String, V> without(Map<String, V> headers, String name) {
        if (headers == null) {
            return null;
        }
        Map<String, V> copy = new LinkedHashMap<>(headers);
        copy.keySet().removeIf(header -> header != null && header.equalsIgnoreCase(name));
        return copy;
    }

    /** Payload format 1.0. */
    final class RestApi implements EventShape<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
        @Override
        public HttpRequest request(APIGatewayProxyRequestEvent event) {
            return new HttpRequest(event.getHttpMethod(), event.getPath(), event.getHeaders(),
                    event.getMultiValueHeaders(), event.getBody(), Boolean.TRUE.equals(event.getIsBase64Encoded()),
                    HttpRequest.query(event.getQueryStringParameters(), event.getMultiValueQueryStringParameters()));
        }

        @Override
        public StoredResponse stored(APIGatewayProxyResponseEvent response) {
            // API Gateway answers 502 to a response without a status code: that is the handler's bug
            int status = response.getStatusCode() == null ? 0 : response.getStatusCode();
            return new StoredResponse(status, null, response.getHeaders(), response.getMultiValueHeaders(), null,
                    response.getBody(), Boolean.TRUE.equals(response.getIsBase64Encoded()));
        }

        @Override
        public void removeHeader(APIGatewayProxyRequestEvent event, String name) {
            event.setHeaders(EventShape.without(event.getHeaders(), name));
            event.setMultiValueHeaders(EventShape.without(event.getMultiValueHeaders(), name));
        }

        @Override
        public APIGatewayProxyResponseEvent response(StoredResponse stored, APIGatewayProxyRequestEvent event) {
            return new APIGatewayProxyResponseEvent().withStatusCode(stored.statusCode())
                    .withHeaders(stored.headersCopy()).withMultiValueHeaders(stored.multiValueHeadersCopy())
                    .withBody(stored.body()).withIsBase64Encoded(stored.base64Encoded());
        }
    }

    /** Payload format 2.0: lower-case header names, repeated header lines joined with commas, cookies apart. */
    final class HttpApi implements EventShape<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
        @Override
        public HttpRequest request(APIGatewayV2HTTPEvent event) {
            APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
            String method = context == null || context.getHttp() == null ? null : context.getHttp().getMethod();
            return new HttpRequest(method, event.getRawPath(), event.getHeaders(), null, event.getBody(),
                    event.getIsBase64Encoded(), HttpRequest.query(event.getRawQueryString()));
        }

        @Override
        public StoredResponse stored(APIGatewayV2HTTPResponse response) {
            return new StoredResponse(response.getStatusCode(), null, response.getHeaders(),
                    response.getMultiValueHeaders(), response.getCookies(), response.getBody(),
                    response.getIsBase64Encoded());
        }

        @Override
        public void removeHeader(APIGatewayV2HTTPEvent event, String name) {
            event.setHeaders(EventShape.without(event.getHeaders(), name));
        }

        @Override
        public APIGatewayV2HTTPResponse response(StoredResponse stored, APIGatewayV2HTTPEvent event) {
            APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
            response.setStatusCode(stored.statusCode());
            response.setHeaders(stored.headersCopy());
            response.setMultiValueHeaders(stored.multiValueHeadersCopy());
            response.setCookies(stored.cookiesCopy());
            response.setBody(stored.body());
            response.setIsBase64Encoded(stored.base64Encoded());
            return response;
        }
    }

    /**
     * ALB: a target group with multi-value headers sends {@code multiValueHeaders} and reads only
     * {@code multiValueHeaders} back, so the adapter's own responses follow the request's mode.
     */
    final class Alb implements EventShape<ApplicationLoadBalancerRequestEvent, ApplicationLoadBalancerResponseEvent> {
        @Override
        public HttpRequest request(ApplicationLoadBalancerRequestEvent event) {
            return new HttpRequest(event.getHttpMethod(), event.getPath(), event.getHeaders(),
                    event.getMultiValueHeaders(), event.getBody(), event.getIsBase64Encoded(),
                    HttpRequest.query(event.getQueryStringParameters(), event.getMultiValueQueryStringParameters()));
        }

        @Override
        public StoredResponse stored(ApplicationLoadBalancerResponseEvent response) {
            return new StoredResponse(response.getStatusCode(), response.getStatusDescription(),
                    response.getHeaders(), response.getMultiValueHeaders(), null, response.getBody(),
                    response.getIsBase64Encoded());
        }

        @Override
        public void removeHeader(ApplicationLoadBalancerRequestEvent event, String name) {
            event.setHeaders(EventShape.without(event.getHeaders(), name));
            event.setMultiValueHeaders(EventShape.without(event.getMultiValueHeaders(), name));
        }

        @Override
        public ApplicationLoadBalancerResponseEvent response(StoredResponse stored,
                ApplicationLoadBalancerRequestEvent event) {
            ApplicationLoadBalancerResponseEvent response = new ApplicationLoadBalancerResponseEvent();
            response.setStatusCode(stored.statusCode());
            response.setStatusDescription(stored.statusDescription());
            Map<String, String> headers = stored.headersCopy();
            Map<String, List<String>> multi = stored.multiValueHeadersCopy();
            if (event.getMultiValueHeaders() != null && multi == null && headers != null) {
                multi = new LinkedHashMap<>();
                for (Map.Entry<String, String> header : headers.entrySet()) {
                    List<String> values = new ArrayList<>();
                    values.add(header.getValue());
                    multi.put(header.getKey(), values);
                }
                headers = null;
            }
            response.setHeaders(headers);
            response.setMultiValueHeaders(multi);
            response.setBody(stored.body());
            response.setIsBase64Encoded(stored.base64Encoded());
            return response;
        }
    }
}
