package dev.gatun.blas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Libraries shared by the test classes of one JVM: the system OpenBLAS and the bundled one, extracted to a private
 * temporary cache (never the user's). Loaded on first use, never closed (the JVM exits after the tests).
 */
final class TestLibraries {

    private TestLibraries() {
    }

    private static final class SystemHolder {
        static final BlasLibrary LIBRARY = BlasLoader.loadSystem(BlasSettings.ofMode("system"));
    }

    private static final class BundledHolder {
        static final Path CACHE = tempDir("gatun-test-cache-");
        static final BlasLibrary LIBRARY = BlasLoader.loadBundled(BlasSettings.ofMode("bundled").withCacheDir(CACHE));
    }

    static BlasLibrary system() {
        return SystemHolder.LIBRARY;
    }

    static BlasLibrary bundled() {
        return BundledHolder.LIBRARY;
    }

    /** {@return the cache directory holding the extraction behind {@link #bundled()}} (extracting it if needed) */
    static Path bundledCache() {
        bundled();
        return BundledHolder.CACHE;
    }

    /** A temporary directory removed when the JVM exits (mapped libraries stay valid after unlink). */
    static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort
        }
    }
}
