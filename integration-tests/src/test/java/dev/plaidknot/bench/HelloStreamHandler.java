package dev.plaidknot.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The lower floor: a hello world that, like our functions, takes the event's bytes, so Lambda's
 * event serializer never loads. Ratios are taken against whichever floor is lower.
 */
public final class HelloStreamHandler implements RequestStreamHandler {
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        output.write("{\"statusCode\":200,\"body\":\"{\\\"hello\\\":\\\"world\\\"}\"}".getBytes(StandardCharsets.UTF_8));
    }
}
