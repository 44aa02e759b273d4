package dev.campaigns.infra.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs in a fresh JVM whose classpath is the deployment jar (plus this class): instantiates the handler as the
 * Lambda runtime does (no-argument constructor, configuration from the environment), optionally runs its SnapStart
 * priming ({@code --primed}), answers one event, and prints {@code init=MS invoke=MS boot=MS load=MS cpu=MS} and the
 * answer ({@code boot}: from the launcher's {@code -Dcoldstart.launched} epoch millis to {@code main};
 * {@code load}: loading and initialising the handler class, part of {@code init}; {@code cpu}: the process's CPU
 * time, all threads, up to the answer: less sensitive than wall time to other load on the machine). Used by
 * {@link ColdStartBench}; depends only on the JDK and the deployment jar.
 */
public final class ColdStartMain {
    private ColdStartMain() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        long boot = System.currentTimeMillis() - Long.getLong("coldstart.launched", System.currentTimeMillis());
        Class<?> type = Class.forName(args[0]);
        long loaded = System.nanoTime();
        RequestStreamHandler handler = (RequestStreamHandler) type.getConstructor().newInstance();
        if (args.length > 2 && args[2].equals("--primed")) {
            type.getMethod("primeNow").invoke(handler);
        }
        long t1 = System.nanoTime();
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        long t2 = System.nanoTime();
        long cpu = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
        System.out.println("init=" + (t1 - t0) / 1_000_000 + " invoke=" + (t2 - t1) / 1_000_000 + " boot=" + boot
                + " load=" + (loaded - t0) / 1_000_000 + " cpu=" + cpu);
        System.out.println(out.toString(StandardCharsets.UTF_8));
        System.out.flush();
        System.exit(0);
    }
}
