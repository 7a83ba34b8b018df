/**
 * A Docker-free stand-in for {@code sam local invoke}: runs the sample functions' real handlers in this JVM against
 * embedded DynamoDB Local and S3Proxy (or an existing endpoint), with events deserialized the way the Lambda Java
 * runtime does. Entry point: {@link dev.lambdaidempotency.localrunner.LocalRunner}.
 */
package dev.lambdaidempotency.localrunner;
