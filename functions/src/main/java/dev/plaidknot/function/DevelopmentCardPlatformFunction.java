package dev.plaidknot.function;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.plaidknot.devcards.DevelopmentCardPlatform;
import dev.plaidknot.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What Lambda runs for the development card platform (deployed only when no
 * {@code CardPlatformFunctionArn} is given). It reads which test cards each cardholder holds from
 * {@code DEVELOPMENT_CARDS} and checks, from the Knot secret, that Knot is in development.
 */
public final class DevelopmentCardPlatformFunction implements RequestStreamHandler {

    private final DevelopmentCardPlatform platform;

    public DevelopmentCardPlatformFunction() {
        this(DevelopmentCardPlatform.fromEnvironment());
    }

    public DevelopmentCardPlatformFunction(DevelopmentCardPlatform platform) {
        this.platform = platform;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonElement request = Json.parse(input.readNBytes(64 * 1024));
        if (!(request instanceof JsonObject object)) {
            throw new IllegalArgumentException("the request is not a JSON object");
        }
        output.write(Json.write(platform.answer(object)).getBytes(StandardCharsets.UTF_8));
    }
}
