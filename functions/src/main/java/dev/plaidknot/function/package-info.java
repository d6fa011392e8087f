/**
 * The classes the template names as each function's handler, one per route. Lambda builds one with
 * its no-argument constructor at init: it takes the execution environment's wiring (and with it the
 * init warm-up and the SnapStart hooks) and lets init end when the warm-up has. Everything else
 * is the route's handler, which these extend and which knows nothing of cold starts; tests and the
 * local server build the same classes with a wiring of their own.
 */
package dev.plaidknot.function;
