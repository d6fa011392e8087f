package dev.plaidknot.observability;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J backend of every function (and of the AWS SDK's own logging): one JSON object per
 * line on stdout, which CloudWatch Logs Insights reads field by field. Chosen over Powertools
 * Logging to keep log4j2/logback and AspectJ weaving out of the cold start.
 */
public final class JsonLoggingProvider implements SLF4JServiceProvider {

    private final BasicMarkerFactory markers = new BasicMarkerFactory();
    private final BasicMDCAdapter mdc = new BasicMDCAdapter();
    private JsonLoggerFactory loggers;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        loggers = new JsonLoggerFactory(LogLevel.fromEnvironment(System.getenv()), mdc);
    }
}
