package dev.plaidknot.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class's world, made once for the class and torn down after it: the emulator's table,
 * key and secrets from template.yaml, the Plaid and Knot simulators, and every route's handler.
 */
public abstract class WithRig {

    protected static TestRig rig;
    protected static Api api;

    @BeforeAll
    static void startRig() {
        rig = new TestRig();
        api = new Api(rig.wiring(), rig.plaid);
    }

    @AfterAll
    static void stopRig() {
        rig.close();
    }
}
