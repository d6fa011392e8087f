package dev.plaidknot.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaidknot.local.SamTemplate.Route;
import dev.plaidknot.support.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README stays short and the documents hold together: every relative link between them
 * reaches a file, and every {@code #anchor} a heading of it (GitHub's slugs); every route of
 * template.yaml is in the README's table and the API reference; CI runs the README's test command.
 */
class DocumentationTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Path ROOT = ProjectFiles.root();

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    @Test
    void the_readme_is_under_15_kb_and_gives_the_run_and_test_commands() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));

        assertThat(readme.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(15 * 1024);
        assertThat(readme).contains("`./run-local --offline`").contains("`mvn verify`");
        assertThat(Files.readString(ROOT.resolve(".ci/run"))).containsPattern("(?m)^mvn verify$");
    }

    @Test
    void every_link_between_the_documents_reaches_a_file_and_a_heading() throws IOException {
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path document : documents()) {
            Matcher link = LINK.matcher(Files.readString(document));
            while (link.find()) {
                String target = link.group(1);
                if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("mailto:")) {
                    continue;
                }
                links++;
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(ROOT.relativize(document) + ": " + target + " (no such file)");
                } else if (anchor != null && !anchors(resolved).contains(anchor)) {
                    broken.add(ROOT.relativize(document) + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(links).as("links checked").isGreaterThan(10);
        assertThat(broken).isEmpty();
    }

    @Test
    void every_route_is_in_the_readme_and_the_api_reference() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String api = Files.readString(ROOT.resolve("docs/api.md"));
        for (Route route : ProjectFiles.template().httpRoutes()) {
            String key = "`" + route.method() + " " + route.path() + "`";
            assertThat(readme).as("README lists " + key).contains(key);
            assertThat(api).as("docs/api.md documents " + key).contains(key);
        }
    }

    /** GitHub's heading anchors: lower case, punctuation but hyphens and spaces dropped, spaces to hyphens. */
    static Set<String> anchors(Path markdown) throws IOException {
        Set<String> anchors = new HashSet<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(markdown)) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            }
            if (!fenced && line.startsWith("#")) {
                String heading = line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT);
                anchors.add(heading.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    @Test
    void anchors_follow_githubs_slugs() throws IOException {
        Path sample = Files.createTempFile("doc", ".md");
        Files.writeString(sample, "# Cold start, behind one seam\n## Configuration at a glance\n```\n# not a heading\n```\n");
        assertThat(anchors(sample)).containsExactlyInAnyOrder("cold-start-behind-one-seam", "configuration-at-a-glance");
        Files.delete(sample);
    }
}
