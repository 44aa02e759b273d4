package dev.campaigns.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Runs the real git CLI in tests, isolated from the user's configuration, with fixed identity and dates. */
final class GitCli {
    static final String NAME = "campaigns-bot";
    static final String EMAIL = "campaigns-bot@users.noreply.github.com";

    private GitCli() {}

    static boolean available() {
        try {
            return new ProcessBuilder("git", "--version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs git in {@code dir}; returns stdout as bytes; fails the test on a non-zero exit. */
    static byte[] run(Path dir, byte[] stdin, String... args) {
        return runFull(dir, stdin, Map.of(), true, args);
    }

    static String out(Path dir, String... args) {
        return new String(run(dir, null, args), StandardCharsets.UTF_8).strip();
    }

    static byte[] runFull(Path dir, byte[] stdin, Map<String, String> env, boolean check, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> e = pb.environment();
        e.put("GIT_CONFIG_NOSYSTEM", "1");
        e.put("GIT_CONFIG_GLOBAL", "/dev/null");
        e.put("LC_ALL", "C");
        e.put("TZ", "UTC");
        e.put("GIT_AUTHOR_NAME", NAME);
        e.put("GIT_AUTHOR_EMAIL", EMAIL);
        e.put("GIT_COMMITTER_NAME", NAME);
        e.put("GIT_COMMITTER_EMAIL", EMAIL);
        e.putAll(env);
        try {
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin);
            }
            p.getOutputStream().close();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread t = new Thread(() -> copy(p.getErrorStream(), err));
            t.start();
            byte[] out = p.getInputStream().readAllBytes();
            int rc = p.waitFor();
            t.join();
            if (check && rc != 0) {
                throw new AssertionError("git " + String.join(" ", args) + " failed (" + rc + "): " + err);
            }
            return out;
        } catch (IOException e1) {
            throw new UncheckedIOException(e1);
        } catch (InterruptedException e1) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e1);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // process ended
        }
    }

    static void copyTree(Path from, Path to) {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
