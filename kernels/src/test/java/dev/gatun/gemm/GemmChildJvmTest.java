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
        return run(vectorModule, Map.of(), properties, args);
    }

    /** A child with {@code env} added to this environment, OPENBLAS_CORETYPE removed unless {@code env} sets it. */
    static Map<String, String> run(boolean vectorModule, Map<String, String> env, List<String> properties,
                                   String... args) throws Exception {
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
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("OPENBLAS_CORETYPE");
        builder.environment().putAll(env);
        Process process = builder.start();
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
    void slowOpenBlasKernelsOnAnAvx512CpuMakeTheJavaGemmTheDefault() throws Exception {
        assumeTrue(Vectorization.bitSize() >= 512, "needs 512-bit vectors: " + Vectorization.describe());
        Map<String, String> haswell = run(true, Map.of("OPENBLAS_CORETYPE", "Haswell"), List.of());
        assumeTrue(haswell.get("blas").contains("core Haswell"), "OpenBLAS not loaded: " + haswell.get("stdout"));
        assertEquals(cpuHasAvx512() ? "java" : "openblas", haswell.get("provider"), haswell.get("stdout"));
        Map<String, String> forced = run(true, Map.of("OPENBLAS_CORETYPE", "Haswell"),
                List.of("-Dgatun.gemm=openblas"));
        assertEquals("openblas", forced.get("provider"), forced.get("stdout"));
        Map<String, String> fixed = run(true, Map.of(), List.of());
        assertEquals("openblas", fixed.get("provider"), "Gatun's own core-type fix keeps OpenBLAS: "
                + fixed.get("stdout"));
    }

    private static boolean cpuHasAvx512() throws IOException {
        String flags = java.nio.file.Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("flags")).findFirst().orElse("");
        return List.of(flags.split("\\s+")).containsAll(List.of("avx512f", "avx512vl", "avx512bw", "avx512dq"));
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
