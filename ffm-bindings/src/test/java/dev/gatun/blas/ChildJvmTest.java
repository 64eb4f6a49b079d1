package dev.gatun.blas;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What only a fresh JVM can show: the facade's once-per-JVM decision under each setting, and the core-type fix
 * (OPENBLAS_CORETYPE is process-wide and read when OpenBLAS loads). Each test starts {@link ChildProbe} with this
 * JVM's java and class path, without OPENBLAS_CORETYPE in its environment unless the test sets it.
 */
class ChildJvmTest {

    record Child(Map<String, String> values, String stdout, String stderr) {
        String get(String key) {
            assertTrue(values.containsKey(key), () -> "no " + key + " in child output:\n" + stdout + "\n" + stderr);
            return values.get(key);
        }
    }

    static Child run(Map<String, String> env, List<String> properties, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1"); // a short run: start fast
        command.addAll(properties);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildProbe.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove(CoreType.ENV);
        builder.environment().putAll(env);
        Process process = builder.start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String stdout = read(process.getInputStream());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM timed out");
        assertEquals(0, process.exitValue(), () -> "child failed:\n" + stdout + "\n" + stderr.join());
        Map<String, String> values = new HashMap<>();
        for (String line : stdout.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return new Child(values, stdout, stderr.join());
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static boolean cpuHasAvx512() {
        return CoreType.cpuFlags(Path.of("/proc/cpuinfo")).containsAll(CoreType.AVX512_FLAGS);
    }

    @Test
    void defaultFixSelectsSkylakeXOnAvx512() throws Exception {
        assumeTrue(cpuHasAvx512(), "the fix applies to AVX-512 CPUs only");
        Child child = run(Map.of(), List.of("-D" + BlasSettings.CACHE_DIR + "=" + TestLibraries.bundledCache()),
                "bundled");
        assertEquals("SYSTEM", child.get("source"));
        assertEquals("true", child.get("setByGatun"));
        assertEquals("SKYLAKEX", child.get("coreType"));
        assertEquals("SKYLAKEX", child.get("env"));
        assertEquals("skylakex", child.get("coreName").toLowerCase(), child.stdout());
        assertEquals("skylakex", child.get("bundledCoreName").toLowerCase(), "the fix holds for every library");
        assertEquals("1", child.get("threads"));
        assertTrue(child.stderr().contains("OpenBLAS: SYSTEM"), "logged once at INFO:\n" + child.stderr());
    }

    @Test
    void autoLeavesOpenBlasDetectionAlone() throws Exception {
        Child child = run(Map.of(), List.of("-D" + BlasSettings.CORETYPE + "=auto"));
        assertEquals("false", child.get("setByGatun"));
        assertEquals("auto", child.get("coreType"));
        assertEquals("null", child.get("env"));
        assertTrue(!child.get("coreName").isEmpty());
        // For the record: what OpenBLAS's own detection picks on this machine (Haswell on Zen 5, Prescott on some VMs).
        System.out.println("OpenBLAS's own core detection: " + child.get("coreName"));
    }

    @Test
    void explicitCoreTypeIsSet() throws Exception {
        Child child = run(Map.of(), List.of("-D" + BlasSettings.CORETYPE + "=HASWELL"));
        assertEquals("true", child.get("setByGatun"));
        assertEquals("HASWELL", child.get("coreType"));
        assertEquals("haswell", child.get("coreName").toLowerCase());
    }

    @Test
    void environmentWinsOverTheFix() throws Exception {
        Child child = run(Map.of(CoreType.ENV, "ZEN"), List.of());
        assertEquals("false", child.get("setByGatun"));
        assertEquals("ZEN", child.get("coreType"));
        assertEquals("zen", child.get("coreName").toLowerCase());
    }

    @Test
    void slowCoreFromTheEnvironmentIsKeptWithAWarning() throws Exception {
        assumeTrue(cpuHasAvx512(), "the warning is about AVX-512 CPUs");
        Child child = run(Map.of(CoreType.ENV, "Haswell"), List.of());
        assertEquals("false", child.get("setByGatun"));
        assertEquals("Haswell", child.get("coreType"));
        assertEquals("haswell", child.get("coreName").toLowerCase());
        assertTrue(child.stderr().contains("WARNING") && child.stderr().contains("-Dgatun.openblas.coretype=SKYLAKEX"),
                "logged as a warning that says what to pass:\n" + child.stderr());
    }

    @Test
    void fastCoreFromTheEnvironmentIsKeptQuietly() throws Exception {
        Child child = run(Map.of(CoreType.ENV, "SkylakeX"), List.of());
        assertEquals("SkylakeX", child.get("coreType"));
        assertTrue(!child.stderr().contains("WARNING"), child.stderr());
    }

    @Test
    void detectRemovesTheEnvironmentSoOpenBlasDetects() throws Exception {
        Child detect = run(Map.of(CoreType.ENV, "SKYLAKEX"), List.of("-D" + BlasSettings.CORETYPE + "=detect"));
        Child auto = run(Map.of(), List.of("-D" + BlasSettings.CORETYPE + "=auto"));
        assertEquals("auto", detect.get("coreType"));
        assertEquals("null", detect.get("env"));
        assertEquals(auto.get("coreName"), detect.get("coreName"),
                "the same as OpenBLAS's detection without the variable");
    }

    @Test
    void forcedNoneMakesTheFacadeThrow() throws Exception {
        Child child = run(Map.of(), List.of("-D" + BlasSettings.MODE + "=none"), "call");
        assertEquals("false", child.get("available"));
        assertEquals("NONE", child.get("source"));
        assertEquals("0", child.get("threads"));
        String call = child.get("call");
        assertTrue(call.startsWith("java.lang.IllegalStateException: OpenBLAS is not available: disabled by "
                + "-Dgatun.openblas=none"), call);
    }

    @Test
    void badExplicitPathIsAnErrorNamingThePath() throws Exception {
        String bad = "/nonexistent/libopenblas.so.0";
        Child child = run(Map.of(), List.of("-D" + BlasSettings.PATH + "=" + bad), "call");
        assertEquals("false", child.get("available"));
        String call = child.get("call");
        assertTrue(call.startsWith("java.lang.IllegalStateException: OpenBLAS is not available: tried explicit path"),
                call);
        assertTrue(call.contains(bad), call);
        assertTrue(child.stderr().contains("SEVERE") && child.stderr().contains(bad),
                "logged as an error:\n" + child.stderr());
    }

    @Test
    void explicitPathThroughTheFacade() throws Exception {
        Path system = Path.of(TestLibraries.system().info().path()).toRealPath();
        Child child = run(Map.of(), List.of("-D" + BlasSettings.PATH + "=" + system), "call");
        assertEquals("EXPLICIT_PATH", child.get("source"));
        assertEquals(system, Path.of(child.get("path")).toRealPath());
        assertEquals("ok 7.0", child.get("call"));
    }

    @Test
    void forcedBundledWithCacheDirectoryProperty() throws Exception {
        Path cache = TestLibraries.bundledCache();
        Child child = run(Map.of(), List.of("-D" + BlasSettings.MODE + "=bundled",
                "-D" + BlasSettings.CACHE_DIR + "=" + cache), "call");
        assertEquals("BUNDLED", child.get("source"));
        assertTrue(Path.of(child.get("path")).startsWith(cache), child.get("path"));
        assertTrue(child.get("info").contains("reused"), child.get("info"));
        assertEquals("ok 7.0", child.get("call"));
        assertTrue(Files.isDirectory(cache));
    }
}
