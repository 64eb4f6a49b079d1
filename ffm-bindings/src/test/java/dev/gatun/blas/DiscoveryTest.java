package dev.gatun.blas;

import dev.gatun.blas.BlasInfo.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Library discovery in this JVM, through {@link BlasDiscovery#discover} with explicit settings (never by setting
 * system properties, so the order of tests does not matter). The facade's own once-per-JVM decision and the
 * core-type fix are tested in child JVMs ({@link ChildJvmTest}).
 */
class DiscoveryTest {

    private static BlasSettings auto() {
        return BlasSettings.ofMode("auto");
    }

    private static String contains(String haystack, String needle) {
        assertTrue(haystack.contains(needle), () -> "'" + haystack + "' should contain '" + needle + "'");
        return haystack;
    }

    @Test
    void systemLibraryLoadsAndReportsSystem() {
        BlasInfo info = TestLibraries.system().info();
        assertEquals(Source.SYSTEM, info.source());
        contains(info.path(), "openblas");
        contains(info.config(), "OpenBLAS");
        assertFalse(info.coreName().isEmpty());
        assertEquals(1, info.threads(), "Gatun sets 1 thread by default");
        assertFalse(info.toString().contains("\n"), "one line");
        contains(info.toString(), "SYSTEM");
    }

    @Test
    void autoPicksTheSystemLibrary() {
        BlasDiscovery.Outcome outcome = BlasDiscovery.discover(auto());
        try {
            assertEquals(Source.SYSTEM, outcome.info().source(), outcome.info().toString());
            assertEquals(Level.INFO, outcome.level());
        } finally {
            outcome.library().close();
        }
    }

    @Test
    void facadeReportsItsDecision() {
        assertTrue(Blas.available());
        assertEquals(Source.SYSTEM, Blas.info().source(), Blas.info().toString());
        assertEquals(Blas.info().threads(), Blas.threads());
        assertThrows(IllegalArgumentException.class, () -> Blas.setThreads(0));
    }

    @Test
    void forcedNoneLoadsNothing() {
        BlasDiscovery.Outcome outcome = BlasDiscovery.discover(BlasSettings.ofMode("none"));
        assertNull(outcome.library());
        assertEquals(Source.NONE, outcome.info().source());
        assertFalse(outcome.info().available());
        assertEquals(0, outcome.info().threads());
        assertEquals("", outcome.info().path());
        contains(outcome.unavailableMessage(), "disabled by -Dgatun.openblas=none");
        contains(outcome.info().toString(), "pure-Java GEMM");
    }

    @Test
    void forcedSystemAndBundled() {
        BlasDiscovery.Outcome system = BlasDiscovery.discover(BlasSettings.ofMode("SYSTEM"));
        BlasDiscovery.Outcome bundled = BlasDiscovery.discover(
                BlasSettings.ofMode("bundled").withCacheDir(TestLibraries.bundledCache()));
        try {
            assertEquals(Source.SYSTEM, system.info().source());
            assertEquals(Source.BUNDLED, bundled.info().source());
            contains(bundled.info().detail(), "reused");
        } finally {
            system.library().close();
            bundled.library().close();
        }
    }

    @Test
    void invalidModeIsAnErrorNotAGuess() {
        BlasDiscovery.Outcome outcome = BlasDiscovery.discover(BlasSettings.ofMode("sytem"));
        assertNull(outcome.library());
        assertEquals(Level.ERROR, outcome.level());
        contains(outcome.info().detail(), "-Dgatun.openblas=sytem is not one of [auto, system, bundled, none]");
    }

    @Test
    void explicitPathWins() throws IOException {
        Path system = Path.of(TestLibraries.system().info().path()).toRealPath();
        BlasDiscovery.Outcome outcome = BlasDiscovery.discover(auto().withExplicitPath(system.toString()));
        try {
            assertEquals(Source.EXPLICIT_PATH, outcome.info().source(), outcome.info().toString());
            assertEquals(system, Path.of(outcome.info().path()).toRealPath());
        } finally {
            outcome.library().close();
        }
    }

    @Test
    void badExplicitPathNamesThePathAndDoesNotFallThrough() {
        String bad = "/nonexistent/dir/libopenblas.so.0";
        BlasDiscovery.Outcome outcome = BlasDiscovery.discover(auto().withExplicitPath(bad));
        assertNull(outcome.library(), "a system library exists, but an explicit path must not fall through to it");
        assertEquals(Level.ERROR, outcome.level());
        contains(outcome.unavailableMessage(), bad);
        contains(outcome.unavailableMessage(), "no other source is tried");
        assertFalse(outcome.unavailableMessage().contains("system ("));

        var e = assertThrows(IllegalStateException.class, () -> BlasLoader.loadPath(Path.of(bad), auto()));
        contains(e.getMessage(), bad);
    }

    @Test
    void explicitPathThatIsNotALibrary() {
        // An executable (with a proper ELF header, so the JVM does not warn about its stack) is not loadable.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        var e = assertThrows(IllegalStateException.class, () -> BlasLoader.loadPath(java, auto()));
        contains(e.getMessage(), "cannot load " + java.toAbsolutePath().normalize() + ": ");
        contains(e.getMessage(), "cannot dynamically load"); // dlerror(): "... position-independent executable"
    }

    @Test
    void explicitPathThatIsNotOpenBlas() {
        Path libm = Path.of("/usr/lib/x86_64-linux-gnu/libm.so.6");
        assumeTrue(Files.exists(libm), "Debian/Ubuntu layout");
        var e = assertThrows(IllegalStateException.class, () -> BlasLoader.loadPath(libm, auto()));
        contains(e.getMessage(), "is not a usable OpenBLAS: unresolved symbol: cblas_");
    }

    @Test
    void loadArguments() {
        assertThrows(IllegalArgumentException.class, () -> BlasLibrary.load(Source.NONE));
        var e = assertThrows(IllegalStateException.class, () -> BlasLoader.load(Source.EXPLICIT_PATH, auto()));
        contains(e.getMessage(), "-Dgatun.openblas.path is not set");
    }

    @Test
    void bundledNeedsTheNativesJar() {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            var e = assertThrows(IllegalStateException.class, () -> BundledOpenBlas.find(empty));
            contains(e.getMessage(), "org.bytedeco:openblas:<version>:linux-x86_64 is not on the classpath");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void threadsSettingAndSetThreads() {
        BlasSettings three = new BlasSettings("system", null, null, "3", null);
        try (BlasLibrary library = BlasLoader.load(Source.SYSTEM, three)) {
            assertEquals(3, library.threads());
            assertEquals(3, library.info().threads());
            library.setThreads(2);
            assertEquals(2, library.threads());
            assertThrows(IllegalArgumentException.class, () -> library.setThreads(0));
        } finally {
            TestLibraries.system().setThreads(1); // the thread count belongs to the library file, shared by instances
        }
        BlasSettings invalid = new BlasSettings("system", null, null, "many", null);
        try (BlasLibrary library = BlasLoader.load(Source.SYSTEM, invalid)) {
            assertEquals(1, library.threads());
            contains(library.info().detail(), "ignored -Dgatun.blas.threads=many");
        }
    }

    @Test
    void closedLibraryThrowsAndOthersKeepWorking() {
        BlasLibrary library = BlasLoader.load(Source.SYSTEM, auto());
        assertTrue(library.isOpen());
        library.close();
        library.close(); // idempotent
        assertFalse(library.isOpen());
        contains(library.toString(), "closed");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 3, 4);
            var e = assertThrows(IllegalStateException.class, () -> library.snrm2(2, x, 0, 1));
            contains(e.getMessage(), "is closed");
            // The same file stays loaded for the other instances (the dynamic linker counts references).
            assertEquals(5f, TestLibraries.system().snrm2(2, x, 0, 1), 1e-6f);
            assertEquals(5f, Blas.snrm2(2, x, 0, 1), 1e-6f);
        }
    }

    @Test
    void systemAndBundledSideBySide() throws IOException {
        BlasLibrary system = TestLibraries.system();
        BlasLibrary bundled = TestLibraries.bundled();
        assertNotEquals(Path.of(system.info().path()).toRealPath(), Path.of(bundled.info().path()).toRealPath());
        // Loaded after the bundled copy (same soname), the system lookup must still find the system file.
        try (BlasLibrary again = BlasLoader.loadSystem(auto())) {
            assertEquals(Path.of(system.info().path()).toRealPath(), Path.of(again.info().path()).toRealPath());
            assertEquals(system.info().config(), again.info().config());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 2, 3, 4, 5, 6);
            MemorySegment b = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 0, 0, 1, 1, 1);
            MemorySegment c1 = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
            MemorySegment c2 = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
            system.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c1, 0, 2);
            bundled.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c2, 0, 2);
            BlasOpsTest.assertArrayClose(new float[] {4, 5, 10, 11}, c1.toArray(ValueLayout.JAVA_FLOAT));
            BlasOpsTest.assertArrayClose(new float[] {4, 5, 10, 11}, c2.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @Test
    void bindingsAreExposedForUncheckedCallers() {
        var bindings = TestLibraries.system().bindings();
        assertNotNull(bindings.cblas_sgemm$address());
        assertEquals(TestLibraries.system().threads(), bindings.openblas_get_num_threads());
        contains(bindings.openblas_get_config().getString(0), "OpenBLAS");
    }

    @Test
    void cpuFlagsParsing(@TempDir Path dir) throws IOException {
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"),
                "processor\t: 0\nflags\t\t: fpu sse avx2 avx512f avx512vl avx512bw avx512dq avx2\nprocessor\t: 1\n");
        assertTrue(CoreType.cpuFlags(cpuinfo).containsAll(CoreType.AVX512_FLAGS));
        assertTrue(CoreType.cpuFlags(dir.resolve("missing")).isEmpty());
    }

    @Test
    void cacheRoot() {
        assertTrue(new BlasSettings(null, null, null, null, null).cacheRoot().endsWith("gatun"));
        assertEquals(Path.of("/x/y").toAbsolutePath(), new BlasSettings(null, null, null, null, "/x/y").cacheRoot());
    }
}
