package dev.plaidknot.observability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;

final class JsonLoggerFactory implements ILoggerFactory {

    private final Level threshold;
    private final BasicMDCAdapter mdc;
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

    JsonLoggerFactory(Level threshold, BasicMDCAdapter mdc) {
        this.threshold = threshold;
        this.mdc = mdc;
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new JsonLogger(n, thresholdFor(n), mdc));
    }

    /** Libraries speak only when something is wrong; our own code at the configured level. */
    private Level thresholdFor(String name) {
        boolean ours = name.startsWith("dev.plaidknot");
        if (ours || threshold.toInt() > Level.WARN.toInt()) {
            return threshold;
        }
        return Level.WARN;
    }
}
