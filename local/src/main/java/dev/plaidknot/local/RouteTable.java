package dev.plaidknot.local;

import dev.plaidknot.local.SamTemplate.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Matches a request to a template route as API Gateway does: method and path, {name} taking one segment. */
public final class RouteTable {

    /** A matched route with its path parameters (decoded, as API Gateway passes them). */
    public record Match(Route route, Map<String, String> pathParameters) {
    }

    private final List<Route> routes;

    public RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public List<Route> routes() {
        return routes;
    }

    public Optional<Match> match(String method, String rawPath) {
        String[] actual = segments(rawPath);
        for (Route route : routes) {
            if (!route.method().equals(method)) {
                continue;
            }
            String[] pattern = segments(route.path());
            if (pattern.length != actual.length) {
                continue;
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            boolean matches = true;
            for (int i = 0; i < pattern.length && matches; i++) {
                if (pattern[i].startsWith("{") && pattern[i].endsWith("}")) {
                    String value = java.net.URLDecoder.decode(actual[i].replace("+", "%2B"),
                            java.nio.charset.StandardCharsets.UTF_8);
                    matches = !value.isEmpty();
                    parameters.put(pattern[i].substring(1, pattern[i].length() - 1), value);
                } else {
                    matches = pattern[i].equals(actual[i]);
                }
            }
            if (matches) {
                return Optional.of(new Match(route, parameters));
            }
        }
        return Optional.empty();
    }

    private static String[] segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }
}
