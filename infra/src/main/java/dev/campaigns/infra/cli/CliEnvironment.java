package dev.campaigns.infra.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * What the command line reads from its surroundings besides its arguments: environment variables and the config
 * file. Tests pass their own; {@link #system()} is the process's.
 *
 * <p>The config file is {@code $CAMPAIGNS_CONFIG}, else {@code ~/.config/campaigns/config.properties}; its keys are
 * {@code endpoint}, {@code token}, {@code user}, {@code region}, {@code codeHostApi} and {@code codeHostToken}. A
 * setting is taken from the flag, else the environment variable, else the file, else the default.
 */
public record CliEnvironment(Map<String, String> variables, Path home) {
    public CliEnvironment {
        variables = Map.copyOf(variables);
    }

    public static CliEnvironment system() {
        return new CliEnvironment(System.getenv(), Path.of(System.getProperty("user.home", ".")));
    }

    public String variable(String name) {
        String v = variables.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** The config file's settings (none when it does not exist); a file that cannot be read is a clear error. */
    public Properties config() {
        String configured = variable("CAMPAIGNS_CONFIG");
        Path file = configured != null ? Path.of(configured)
                : home.resolve(".config").resolve("campaigns").resolve("config.properties");
        Properties p = new Properties();
        if (!Files.isRegularFile(file)) {
            if (configured != null) {
                throw new IllegalArgumentException("CAMPAIGNS_CONFIG names " + file + ", which is not a file");
            }
            return p;
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the config file " + file + ": " + e.getMessage(), e);
        }
        return p;
    }

    /** The flag's value, else the environment variable's, else the config file's, else {@code fallback}. */
    public String setting(String flag, String variable, String configKey, String fallback) {
        if (flag != null && !flag.isBlank()) {
            return flag;
        }
        String v = variable(variable);
        if (v != null) {
            return v;
        }
        String c = config().getProperty(configKey);
        return c != null && !c.isBlank() ? c.strip() : fallback;
    }
}
