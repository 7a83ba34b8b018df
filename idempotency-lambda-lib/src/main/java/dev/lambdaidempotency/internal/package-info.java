/**
 * Implementation details. Nothing here is API: types are public only so that the library's own packages can share
 * them, and they may change in any release.
 */
package dev.lambdaidempotency.internal;
