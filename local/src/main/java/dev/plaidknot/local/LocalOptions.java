package dev.plaidknot.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the local server was asked for: its command line and the environment variables it reads.
 *
 * @param offline the Plaid and Knot simulators instead of Plaid's sandbox and Knot
 * @param environment the process environment: keys and the functions' optional settings
 */
public record LocalOptions(int port, boolean offline, boolean offlineChosen, Path projectRoot, String defaultUser,
                           Map<String, String> environment) {

    /** What a user id of the development identity may look like (it becomes the JWT {@code sub}). */
    public static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@:-]{1,128}");

    public static final String USAGE = """
            usage: ./run-local [--offline] [--port N] [--user ID] [--project-root DIR]
              --offline        use the project's Plaid and Knot simulators (also when PLAID_CLIENT_ID/PLAID_SECRET are unset)
              --port N         listen on 127.0.0.1:N (default 3000; 0 picks a free port)
              --user ID        the development identity's default user (default local-developer);
                               a request may choose another with the X-Local-User header
              --project-root   where template.yaml and frontend/ are (default: the current directory)
            environment: PLAID_CLIENT_ID, PLAID_SECRET, PLAID_ENV (sandbox; production is refused),
                         KNOT_CLIENT_ID, KNOT_SECRET, KNOT_ENV (development), AWS_ENDPOINT_URL (a DynamoDB
                         emulator; default: moto_server started on 127.0.0.1), and the functions' settings
                         (PLAID_PRODUCTS, PLAID_COUNTRY_CODES, PLAID_CLIENT_NAME, ...)
            """;

    public static LocalOptions parse(List<String> args, Map<String, String> environment) {
        int port = 3000;
        boolean offline = false;
        Path root = Path.of("").toAbsolutePath();
        String user = "local-developer";
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--offline" -> offline = true;
                case "--port" -> port = parsePort(value(args, ++i, arg));
                case "--user" -> user = value(args, ++i, arg);
                case "--project-root" -> root = Path.of(value(args, ++i, arg)).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
            }
        }
        if (!USER_ID.matcher(user).matches()) {
            throw new IllegalArgumentException("--user must match " + USER_ID.pattern());
        }
        boolean haveKeys = present(environment, "PLAID_CLIENT_ID") && present(environment, "PLAID_SECRET");
        return new LocalOptions(port, offline || !haveKeys, offline, root.normalize(), user, Map.copyOf(environment));
    }

    public Optional<String> env(String name) {
        return Optional.ofNullable(environment.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static boolean present(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value != null && !value.isBlank();
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args.get(i);
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("--port must be 0 to 65535");
    }
}
