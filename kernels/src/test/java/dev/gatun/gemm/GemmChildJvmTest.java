package dev.gatun.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatun.kernels.Vectorization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What only a fresh JVM can show: the once-per-process provider choice under {@code -Dgatun.gemm}, and the Java
 * GEMM on a narrower vector ({@code -Dgatun.vector.bits=256}, so the AVX2-width code runs on an AVX-512 machine).
 */
class GemmChildJvmTest {

    static Map<String, String> run(List<String> properties, String... args) throws Exception {
        return run(true, properties, args);
    }

    static Map<String, String> run(boolean vectorModule, List<String> properties, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (vectorModule) {
            command.add("--add-modules=jdk.incubator.vector");
        }
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(properties);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(GemmChildMain.class.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String stdout = read(process.getInputStream());
        assertTrue(process.waitFor(240, TimeUnit.SECONDS), "child JVM timed out");
        assertEquals(0, process.exitValue(), () -> "child failed:\n" + stdout + "\n" + stderr.join());
        Map<String, String> values = new HashMap<>();
        for (String line : stdout.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        values.put("stdout", stdout);
        return values;
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void narrowerVectorsGiveTheSameResults() throws Exception {
        assumeTrue(Vectorization.bitSize() > 256, "vectors are already <= 256 bits here: " + Vectorization.describe());
        Map<String, String> child = run(List.of("-Dgatun.vector.bits=256", "-Dgatun.gemm=java"), "check");
        assertEquals("256", child.get("bits"), child.get("stdout"));
        assertEquals("java", child.get("provider"), child.get("stdout"));
        assertEquals("0", child.get("failures"), child.get("stdout"));
    }

    @Test
    void withoutTheVectorModuleTheScalarTwinDoesEverything() throws Exception {
        // No --add-modules: no Panama class may even be loaded.
        Map<String, String> child = run(false, List.of("-Dgatun.openblas=none"), "check");
        assertEquals("scalar", child.get("provider"), child.get("stdout"));
        assertEquals("0", child.get("failures"), child.get("stdout"));
    }

    @Test
    void providerCanBeForced() throws Exception {
        assertEquals("scalar", run(List.of("-Dgatun.gemm=scalar")).get("provider"));
        Map<String, String> scalarOnly = run(List.of("-Dgatun.vector=false", "-Dgatun.openblas=none"));
        assertEquals("scalar", scalarOnly.get("provider"), scalarOnly.get("stdout"));
        Map<String, String> impossible = run(List.of("-Dgatun.vector=false", "-Dgatun.gemm=java"));
        assertTrue(impossible.get("error").contains("gatun.gemm=java needs the Vector API"), impossible.get("stdout"));
        Map<String, String> wrong = run(List.of("-Dgatun.gemm=fastest"));
        assertTrue(wrong.get("error").contains("must be auto, openblas, java or scalar"), wrong.get("stdout"));
    }
}
