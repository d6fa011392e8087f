package dev.plaidknot.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The repository's template.yaml, read as data: the local server's routes and table, and the
 * tests' checks, come from it rather than from a second list. CloudFormation's short tags
 * ({@code !Ref}, {@code !GetAtt}) are dropped by the YAML reader and leave their argument, which
 * is all these readers need.
 */
public final class SamTemplate {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final JsonNode root;

    private SamTemplate(JsonNode root) {
        this.root = root;
    }

    public static SamTemplate load(Path file) {
        try {
            return new SamTemplate(YAML.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public JsonNode root() {
        return root;
    }

    public JsonNode resource(String logicalId) {
        JsonNode resource = root.path("Resources").path(logicalId);
        if (resource.isMissingNode()) {
            throw new IllegalArgumentException("template.yaml has no resource " + logicalId);
        }
        return resource;
    }

    public List<String> resourcesOfType(String type) {
        List<String> ids = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("Resources").fields(); it.hasNext(); ) {
            var entry = it.next();
            if (type.equals(entry.getValue().path("Type").asText())) {
                ids.add(entry.getKey());
            }
        }
        return ids;
    }

    /** The function's property, or the Globals value when the function does not set it. */
    public JsonNode functionProperty(String functionId, String property) {
        JsonNode own = resource(functionId).path("Properties").path(property);
        return own.isMissingNode() ? root.path("Globals").path("Function").path(property) : own;
    }

    /**
     * One HTTP API route: the function it invokes, that function's handler and timeout, and
     * whether the API's JWT authorizer guards it ({@code Auth: Authorizer: NONE} opts out).
     */
    public record Route(String method, String path, String functionId, String handler, boolean authorized,
                        int timeoutSeconds) {
        public String routeKey() {
            return method + " " + path;
        }

        public String handlerClass() {
            return handler.split("::", 2)[0];
        }
    }

    public List<Route> httpRoutes() {
        List<Route> routes = new ArrayList<>();
        for (String functionId : resourcesOfType("AWS::Serverless::Function")) {
            JsonNode properties = resource(functionId).path("Properties");
            for (JsonNode event : properties.path("Events")) {
                if ("HttpApi".equals(event.path("Type").asText())) {
                    JsonNode route = event.path("Properties");
                    boolean authorized = !"NONE".equals(route.path("Auth").path("Authorizer").asText());
                    routes.add(new Route(route.path("Method").asText().toUpperCase(), route.path("Path").asText(),
                            functionId, properties.path("Handler").asText(), authorized,
                            functionProperty(functionId, "Timeout").asInt(3)));
                }
            }
        }
        return routes;
    }
}
