package dev.plaidknot.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * How Lambda enters every function: the runtime hands over the event's bytes and takes the
 * answer's (the three-argument {@code handleRequest}, which Lambda's runtime prefers over the
 * typed one under the same name). So the runtime's own event serializer never loads: it cost
 * hundreds of classes on each cold start and needed joda-time in the package. Gson,
 * already here for plaid-java, maps API Gateway's payload 2.0 onto the events library's types.
 * The typed {@code handleRequest} stays the one place a route is handled; tests and the local
 * server call it directly.
 */
public abstract class HttpApiHandler
        implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, RequestStreamHandler {

    /** API Gateway's own JSON, not a client's: the body inside it is read strictly, elsewhere. */
    private static final Gson EVENTS = new GsonBuilder().disableHtmlEscaping().create();

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        writeResponse(handleRequest(readEvent(input), context), output);
    }

    public static void writeResponse(APIGatewayV2HTTPResponse response, OutputStream output) throws IOException {
        Writer writer = new OutputStreamWriter(output, StandardCharsets.UTF_8);
        EVENTS.toJson(response, APIGatewayV2HTTPResponse.class, writer);
        writer.flush();
    }

    /** The event, or a failure that names no part of it (a JWT claim or a header could be anything). */
    public static APIGatewayV2HTTPEvent readEvent(InputStream input) throws IOException {
        Reader reader = new InputStreamReader(input, StandardCharsets.UTF_8);
        APIGatewayV2HTTPEvent event;
        try {
            event = EVENTS.fromJson(reader, APIGatewayV2HTTPEvent.class);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("the event is not an API Gateway HTTP API (payload 2.0) event");
        }
        if (event == null) {
            throw new IllegalArgumentException("the event is empty");
        }
        return event;
    }
}
