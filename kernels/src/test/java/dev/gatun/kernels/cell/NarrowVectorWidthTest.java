package dev.gatun.kernels.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.kernels.PanamaSpecies;
import dev.gatun.kernels.activation.ActivationTwinTest;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;

/**
 * The twin checks (activations and cells) again in a child JVM with {@code -Dgatun.vector.bits=128} and {@code 256},
 * so the narrower vector bodies and their tails run too. {@link PanamaSpecies#FLOAT} is a static final constant,
 * hence the separate JVM. And the activation twins once more in an interpreted child JVM ({@code -Xint}).
 */
public class NarrowVectorWidthTest {
    @ParameterizedTest
    @ValueSource(ints = {128, 256})
    void twinsAgreeAtNarrowerWidths(int bits) throws IOException, InterruptedException {
        Assumptions.assumeTrue(bits < PanamaSpecies.FLOAT.vectorBitSize(), "the CPU's vectors are " + bits + " bits");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "--add-modules=jdk.incubator.vector", "-Dgatun.vector.bits=" + bits,
                "-cp", classPath(), NarrowVectorWidthTest.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "child JVM at " + bits + " bits failed:\n" + out);
    }

    /**
     * In the interpreter the Vector API runs its per-lane Java fallbacks, not C2's vector code: the activations must
     * still give the scalar twin's bits (the in-process tests cover the compiled code).
     */
    @org.junit.jupiter.api.Test
    void twinsAgreeInterpreted() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "--add-modules=jdk.incubator.vector", "-Xint", "-Dgatun.child.interpreted=true",
                "-cp", classPath(), NarrowVectorWidthTest.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "interpreted child JVM failed:\n" + out);
    }

    /** Where the test classes, the kernels and JUnit's assertions were loaded from (works under any launcher). */
    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(NarrowVectorWidthTest.class, PanamaSpecies.class, Assertions.class,
                AssertionFailedError.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Child JVM entry point: exits 1 with the failure on stdout. */
    public static void main(String[] args) {
        try {
            if (Boolean.getBoolean("gatun.child.interpreted")) {
                ActivationTwinTest.checkTwins(2_000);
                System.exit(0);
            }
            String bits = System.getProperty("gatun.vector.bits");
            if (PanamaSpecies.FLOAT.vectorBitSize() != Integer.parseInt(bits)) {
                throw new AssertionError("species is " + PanamaSpecies.FLOAT + ", expected " + bits + " bits");
            }
            ActivationTwinTest.checkTwins(20_000);
            CellTwinTest.checkTwins();
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.exit(1);
        }
        System.exit(0);
    }
}
