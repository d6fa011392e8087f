package dev.plaidknot.support;

import dev.plaidknot.local.SamTemplate;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's own files are, seen from the integration-tests module. */
public final class ProjectFiles {

    private ProjectFiles() {
    }

    public static Path root() {
        String configured = System.getProperty("project.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        root = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("template.yaml"))) {
            throw new IllegalStateException("template.yaml not found under " + root
                    + ": run the tests from the repository (mvn verify at its top)");
        }
        return root;
    }

    public static SamTemplate template() {
        return SamTemplate.load(root().resolve("template.yaml"));
    }

    public static Path events() {
        return root().resolve("events");
    }
}
