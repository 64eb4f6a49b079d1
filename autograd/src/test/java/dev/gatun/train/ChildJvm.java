package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.kernels.Vectorization;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assertions;
import org.opentest4j.AssertionFailedError;

/** Runs a test class's {@code main} in a fresh JVM (own JIT profiles, own system properties); fails on exit != 0. */
final class ChildJvm {
    private ChildJvm() {}

    static void run(Class<?> main, String... jvmArgs) throws Exception {
        run(main, jvmArgs, new String[0]);
    }

    /** With program arguments too. */
    static void run(Class<?> main, String[] jvmArgs, String[] args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("-cp", classPath(main), main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "child JVM failed:\n" + out);
    }

    private static String classPath(Class<?> main) {
        Set<String> entries = new LinkedHashSet<>(List.of(System.getProperty("java.class.path")
                .split(File.pathSeparator)));
        for (Class<?> c : List.of(main, Trainer.class, Vectorization.class, Assertions.class,
                AssertionFailedError.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
