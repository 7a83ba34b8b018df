package dev.lambdaidempotency.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Who sent a request, as an authorizer in front of the function established it: the identity that
 * {@link IdempotentHttp.Builder#scopedBy(Caller)} gives each its own {@code Idempotency-Key} space. Each factory
 * reads one place of the request event that API Gateway or Lambda fills in after authenticating the request, never
 * a header a client could set:
 *
 * <pre>{@code
 * IdempotentHttp.builder(idempotency).scopedBy(Caller.subject()).build().restApi(handler);   // Cognito / JWT "sub"
 * }</pre>
 *
 * <table>
 *   <caption>Where each factory reads the caller</caption>
 *   <tr><th>Factory</th><th>REST API (payload 1.0)</th><th>HTTP API (payload 2.0), Function URL</th></tr>
 *   <tr><td>{@link #subject()}, {@link #claim(String)}</td><td>{@code requestContext.authorizer.claims.<name>}
 *       (Cognito user pool authorizer)</td><td>{@code requestContext.authorizer.jwt.claims.<name>} (JWT
 *       authorizer)</td></tr>
 *   <tr><td>{@link #principalId()}</td><td>{@code requestContext.authorizer.principalId} (Lambda authorizer)</td>
 *       <td>not available</td></tr>
 *   <tr><td>{@link #authorizerContext(String)}</td><td>{@code requestContext.authorizer.<name>} (Lambda authorizer
 *       context)</td><td>{@code requestContext.authorizer.lambda.<name>} (Lambda authorizer context)</td></tr>
 *   <tr><td>{@link #iam()}</td><td>{@code requestContext.identity.userArn}, else {@code .caller} (IAM
 *       authorization)</td><td>{@code requestContext.authorizer.iam.userArn}, else {@code .callerId} (IAM
 *       authorization, a Function URL with {@code AWS_IAM})</td></tr>
 *   <tr><td>{@link #apiKey()}</td><td>{@code requestContext.identity.apiKey} (a route that requires an API key)</td>
 *       <td>not available</td></tr>
 *   <tr><td>{@link #restApi}, {@link #httpApi}, {@link #alb}</td><td colspan="2">your function of the event</td></tr>
 * </table>
 *
 * <p>A caller the event does not carry (absent, {@code null}, blank) is unknown, and an adapter scoped by it refuses
 * the request ({@link Problem#CALLER_UNKNOWN}). Wrapping a handler of an event shape the caller is "not available"
 * for fails at once ({@link IllegalStateException} from {@link IdempotentHttp#restApi}, {@link IdempotentHttp#httpApi}
 * or {@link IdempotentHttp#alb}). The identity is only hashed (SHA-256) into the record's key, never stored, logged or
 * shown by this class's {@link #toString()}. This class is immutable and thread-safe.
 */
public final class Caller {
    private final String description;
    private final Function<APIGatewayProxyRequestEvent, String> restApi;
    private final Function<APIGatewayV2HTTPEvent, String> httpApi;
    private final Function<ApplicationLoadBalancerRequestEvent, String> alb;

    private Caller(String description, Function<APIGatewayProxyRequestEvent, String> restApi,
            Function<APIGatewayV2HTTPEvent, String> httpApi,
            Function<ApplicationLoadBalancerRequestEvent, String> alb) {
        this.description = description;
        this.restApi = restApi;
        this.httpApi = httpApi;
        this.alb = alb;
    }

    /**
     * The {@code sub} claim of the token an authorizer validated: a Cognito user pool authorizer (REST) or a JWT
     * authorizer (HTTP API). The same as {@code claim("sub")}.
     *
     * @return the caller
     */
    public static Caller subject() {
        return claim("sub");
    }

    /**
     * A claim of the token an authorizer validated: {@code requestContext.authorizer.claims.<name>} (REST, Cognito
     * user pool authorizer) or {@code requestContext.authorizer.jwt.claims.<name>} (HTTP API, JWT authorizer).
     *
     * @param name the claim, e.g. {@code sub} or {@code client_id} (machine-to-machine tokens)
     * @return the caller
     * @throws IllegalArgumentException when {@code name} is blank
     */
    public static Caller claim(String name) {
        String claim = nonBlank(name, "name");
        return new Caller("claim " + claim,
                event -> event.getRequestContext() == null ? null
                        : text(map(event.getRequestContext().getAuthorizer(), "claims").get(claim)),
                event -> {
                    APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = authorizer(event);
                    return authorizer == null || authorizer.getJwt() == null || authorizer.getJwt().getClaims() == null
                            ? null : authorizer.getJwt().getClaims().get(claim);
                },
                null);
    }

    /**
     * The {@code principalId} a REST API's Lambda authorizer returned ({@code requestContext.authorizer.principalId}).
     * HTTP APIs do not pass it on: use {@link #authorizerContext(String)} there.
     *
     * @return the caller (REST APIs only)
     */
    public static Caller principalId() {
        return new Caller("principalId", event -> event.getRequestContext() == null ? null
                : text(event.getRequestContext().getAuthorizer() == null ? null
                        : event.getRequestContext().getAuthorizer().get("principalId")), null, null);
    }

    /**
     * A value of the context a Lambda authorizer returned: {@code requestContext.authorizer.<name>} (REST) or
     * {@code requestContext.authorizer.lambda.<name>} (HTTP API). Numbers and booleans are read as their text.
     *
     * @param name the context key, e.g. {@code tenantUserId}
     * @return the caller
     * @throws IllegalArgumentException when {@code name} is blank
     */
    public static Caller authorizerContext(String name) {
        String key = nonBlank(name, "name");
        return new Caller("authorizer context " + key,
                event -> event.getRequestContext() == null || event.getRequestContext().getAuthorizer() == null
                        ? null : text(event.getRequestContext().getAuthorizer().get(key)),
                event -> {
                    APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = authorizer(event);
                    return authorizer == null || authorizer.getLambda() == null ? null
                            : text(authorizer.getLambda().get(key));
                },
                null);
    }

    /**
     * The IAM principal that signed the request (SigV4, {@code AWS_IAM} authorization): its ARN
     * ({@code requestContext.identity.userArn} on REST, {@code requestContext.authorizer.iam.userArn} on HTTP APIs
     * and Function URLs), or its principal id ({@code identity.caller}, {@code iam.callerId}) when the ARN is absent.
     * An assumed role's ARN includes the session name: callers that retry under a new session are new callers.
     *
     * @return the caller
     */
    public static Caller iam() {
        return new Caller("IAM principal", event -> {
            APIGatewayProxyRequestEvent.RequestIdentity identity = event.getRequestContext() == null ? null
                    : event.getRequestContext().getIdentity();
            return identity == null ? null : firstNonBlank(identity.getUserArn(), identity.getCaller());
        }, event -> {
            APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = authorizer(event);
            APIGatewayV2HTTPEvent.RequestContext.IAM iam = authorizer == null ? null : authorizer.getIam();
            return iam == null ? null : firstNonBlank(iam.getUserArn(), iam.getCallerId());
        }, null);
    }

    /**
     * The API key of a REST API route that requires one ({@code requestContext.identity.apiKey}; only its hash is
     * kept). The key's id is not read: the Lambda event classes do not carry {@code apiKeyId}. HTTP APIs have no API
     * keys.
     *
     * @return the caller (REST APIs only)
     */
    public static Caller apiKey() {
        return new Caller("API key", event -> event.getRequestContext() == null
                || event.getRequestContext().getIdentity() == null ? null
                : event.getRequestContext().getIdentity().getApiKey(), null, null);
    }

    /**
     * Your own reading of a REST API event (a header your own gateway sets and clients cannot, a mutual-TLS client
     * certificate, a combination). Return {@code null} when the caller is unknown.
     *
     * @param caller reads the caller from the event
     * @return the caller (REST APIs only)
     */
    public static Caller restApi(Function<APIGatewayProxyRequestEvent, String> caller) {
        return new Caller("custom", Objects.requireNonNull(caller, "caller"), null, null);
    }

    /**
     * Your own reading of an HTTP API or Function URL event. Return {@code null} when the caller is unknown.
     *
     * @param caller reads the caller from the event
     * @return the caller (HTTP APIs and Function URLs only)
     */
    public static Caller httpApi(Function<APIGatewayV2HTTPEvent, String> caller) {
        return new Caller("custom", null, Objects.requireNonNull(caller, "caller"), null);
    }

    /**
     * Your own reading of an Application Load Balancer event (an ALB has no authorizer context: the
     * {@code x-amzn-oidc-identity} header its OIDC authentication sets, say). Return {@code null} when the caller
     * is unknown.
     *
     * @param caller reads the caller from the event
     * @return the caller (ALB only)
     */
    public static Caller alb(Function<ApplicationLoadBalancerRequestEvent, String> caller) {
        return new Caller("custom", null, null, Objects.requireNonNull(caller, "caller"));
    }

    /**
     * The reader for REST API events.
     *
     * @return the reader, or {@code null} when this caller is not available on REST APIs
     */
    Function<APIGatewayProxyRequestEvent, String> restApiReader() {
        return restApi;
    }

    /**
     * The reader for HTTP API and Function URL events.
     *
     * @return the reader, or {@code null} when this caller is not available there
     */
    Function<APIGatewayV2HTTPEvent, String> httpApiReader() {
        return httpApi;
    }

    /**
     * The reader for ALB events.
     *
     * @return the reader, or {@code null} when this caller is not available there
     */
    Function<ApplicationLoadBalancerRequestEvent, String> albReader() {
        return alb;
    }

    /**
     * Where the caller is read, never a caller's identity.
     *
     * @return e.g. {@code Caller[claim sub]}
     */
    @Override
    public String toString() {
        return "Caller[" + description + "]";
    }

    private static APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer(APIGatewayV2HTTPEvent event) {
        return event.getRequestContext() == null ? null : event.getRequestContext().getAuthorizer();
    }

    private static Map<?, ?> map(Map<String, Object> authorizer, String name) {
        Object value = authorizer == null ? null : authorizer.get(name);
        return value instanceof Map<?, ?> map ? map : Map.of();
    }

    /** Strings as they are; numbers and booleans (Lambda authorizer context values) as their text; else unknown. */
    private static String text(Object value) {
        return value instanceof String || value instanceof Number || value instanceof Boolean
                ? value.toString() : null;
    }

    private static String firstNonBlank(String first, String second) {
        return first != null && !first.isBlank() ? first : second;
    }

    private static String nonBlank(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}
