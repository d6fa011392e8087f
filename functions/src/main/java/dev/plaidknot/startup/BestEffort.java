package dev.plaidknot.startup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every step a cold start takes ahead of a request is best effort: a step that fails is logged by
 * its failure's class only (an AWS or HTTP message is not ours to vouch for) and left for the first
 * request, which does it again and reports a failure in the API's shape. Init and a restore never
 * fail for one.
 */
final class BestEffort {

    private static final Logger LOG = LoggerFactory.getLogger(BestEffort.class);

    private BestEffort() {
    }

    static void run(Runnable step, String failureMessage) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("failure", e.getClass().getSimpleName()).log(failureMessage);
        }
    }
}
