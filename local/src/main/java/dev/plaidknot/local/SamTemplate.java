package dev.plaidknot.support;

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
 * The repository's template.yaml, read as data. CloudFormation's short tags ({@code !Ref},
 * {@code !GetAtt}) are dropped by the YAML reader and leave their argument, which is all these
 * checks need.
 */
public final class SamTemplate {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final JsonNode root;

    private SamTemplate(JsonNode root) {
        this.root = root;
    }

    public static SamTemplate load() {
        try {
            return new SamTemplate(YAML.readTree(ProjectFiles.root().resolve("template.yaml").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    /** One HTTP API route: the function it invokes and that function's handler. */
    public record Route(String method, String path, String functionId, String handler) {
        public String routeKey() {
            return method + " " + path;
        }
    }

    public List<Route> httpRoutes() {
        List<Route> routes = new ArrayList<>();
        for (String functionId : resourcesOfType("AWS::Serverless::Function")) {
            JsonNode properties = resource(functionId).path("Properties");
            for (JsonNode event : properties.path("Events")) {
                if ("HttpApi".equals(event.path("Type").asText())) {
                    routes.add(new Route(event.path("Properties").path("Method").asText().toUpperCase(),
                            event.path("Properties").path("Path").asText(), functionId,
                            properties.path("Handler").asText()));
                }
            }
        }
        return routes;
    }

    public static Path path() {
        return ProjectFiles.root().resolve("template.yaml");
    }
}
