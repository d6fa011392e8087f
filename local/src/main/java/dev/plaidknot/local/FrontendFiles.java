package dev.plaidknot.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the local server serves besides the API: frontend/ (only its own files, by plain name), a
 * config.js written for this server, and offline the Link and CardSwitcher stand-in scripts.
 */
final class FrontendFiles {

    /** A file to send: its content type and bytes. */
    record File(String contentType, byte[] bytes) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,100}\\.(html|js|css)");
    private static final String LINK_SCRIPT = "https://cdn.plaid.com/link/v2/stable/link-initialize.js";
    static final String STAND_IN_PATH = "/local/link-stand-in.js";
    static final String KNOT_STAND_IN_PATH = "/local/knot-stand-in.js";

    private final Path directory;
    private final boolean offline;
    private final String plaidEnvironment;

    FrontendFiles(Path directory, boolean offline, String plaidEnvironment) {
        this.directory = directory.toAbsolutePath().normalize();
        this.offline = offline;
        this.plaidEnvironment = plaidEnvironment;
    }

    /** The file a GET of this path serves; empty for anything else (then a 404). */
    Optional<File> get(String rawPath) {
        if (rawPath.equals("/config.js")) {
            return Optional.of(script(config()));
        }
        if ((rawPath.equals(STAND_IN_PATH) || rawPath.equals(KNOT_STAND_IN_PATH)) && offline) {
            String resource = rawPath.equals(STAND_IN_PATH) ? "link-stand-in.js" : "knot-stand-in.js";
            try (InputStream script = FrontendFiles.class.getResourceAsStream(resource)) {
                return Optional.of(new File("text/javascript; charset=utf-8", script.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String name = rawPath.equals("/") ? "index.html" : rawPath.substring(1);
        Path file = directory.resolve(name).normalize();
        if (!NAME.matcher(name).matches() || !directory.equals(file.getParent()) || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
        try {
            return Optional.of(new File(type, Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Same origin, no bearer token (the development identity stands in), and offline the stand-in. */
    private String config() {
        ObjectNode config = JSON.createObjectNode();
        config.put("apiBaseUrl", "");
        config.put("bearerToken", "");
        config.put("linkScriptUrl", offline ? STAND_IN_PATH : LINK_SCRIPT);
        config.put("knotCardId", LocalServer.LOCAL_CARD);
        // Offline, the CardSwitcher stand-in; with real Knot keys, Knot's own SDK (its script URL from Knot's docs).
        config.put("knotScriptUrl", offline ? KNOT_STAND_IN_PATH : "");
        config.put("environmentNote", offline
                ? "Local server, offline: Plaid and Knot are the project's simulators; Link is a stand-in."
                : "Local server: Plaid " + plaidEnvironment + ".");
        try {
            return "// Written by the local server; a deployed front end uses frontend/config.js.\n"
                    + "window.PLAID_KNOT_CONFIG = " + JSON.writeValueAsString(config) + ";\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static File script(String text) {
        return new File("text/javascript; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }
}
