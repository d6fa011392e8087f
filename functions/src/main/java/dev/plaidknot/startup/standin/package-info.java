/**
 * A stand-in for Plaid, Knot and the AWS APIs on 127.0.0.1, with made-up keys and made-up data:
 * test-like code, and it ships in the function on purpose. SnapStart takes its snapshot of a
 * deployed function's own JVM, so the walk that loads and compiles the request path before that
 * snapshot must run inside the function, and it must not reach anything real: no key fetched from
 * Secrets Manager may be in a snapshot, and nothing at Plaid, Knot or in the table may change. So
 * the walk's clients, real ones, are pointed here. Nothing in a cardholder's request reaches this
 * package; only the priming walk ({@link dev.plaidknot.startup.PrimingWalk}) does.
 */
package dev.plaidknot.startup.standin;
