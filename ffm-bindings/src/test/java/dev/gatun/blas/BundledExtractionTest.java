package dev.gatun.blas;

import dev.gatun.blas.BlasInfo.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Extraction of the natives jar into a temporary cache: extracted once, verified on every use, reused, and
 * extracted again (never rewritten in place) when a cached file is damaged.
 */
class BundledExtractionTest {

    private static final ClassLoader LOADER = BundledExtractionTest.class.getClassLoader();

    private static String contains(String haystack, String needle) {
        assertTrue(haystack.contains(needle), () -> "'" + haystack + "' should contain '" + needle + "'");
        return haystack;
    }

    /** Only the extraction directory is left in the cache root: no temporary or stale directories. */
    private static void assertOnlyTarget(Path root, Path target) throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            assertEquals(List.of(target), entries.toList());
        }
    }

    /** Replaces a cached file by a new file (new inode, like any other writer should). */
    private static void replace(Path file, byte[] content) throws IOException {
        Files.delete(file);
        Files.write(file, content);
    }

    @Test
    void extractsOnceVerifiesAndReuses(@TempDir Path root) throws IOException {
        BundledOpenBlas.Extraction first = BundledOpenBlas.extract(root, LOADER);
        contains(first.how(), "extracted to " + first.dir());
        assertTrue(first.dir().getFileName().toString().matches("openblas-0\\.3\\.30-1\\.5\\.12-[0-9a-f]{16}"),
                first.dir().toString());
        assertTrue(first.files().contains("libopenblas.so.0"));
        assertTrue(first.files().contains("libgfortran.so.5"));
        assertTrue(first.files().contains("libquadmath.so.0"));
        assertEquals("libopenblas.so.0", first.files().getLast(), "dependencies are loaded first");
        List<String> manifest = Files.readAllLines(first.dir().resolve(BundledOpenBlas.MANIFEST));
        assertEquals(first.files().size(), manifest.size());
        assertTrue(manifest.getFirst().matches("[0-9a-f]{64}  \\d+  [0-9a-f]{8}  lib\\S+"), manifest.getFirst());
        assertNull(BundledOpenBlas.verify(first.dir(), BundledOpenBlas.find(LOADER).resources()));

        BundledOpenBlas.Extraction second = BundledOpenBlas.extract(root, LOADER);
        assertEquals(first.dir(), second.dir());
        assertEquals("reused " + first.dir(), second.how());
        assertOnlyTarget(root, first.dir());
    }

    @Test
    void damagedCacheIsDetectedAndExtractedAgain(@TempDir Path root) throws IOException {
        Path dir = BundledOpenBlas.extract(root, LOADER).dir();
        List<BundledOpenBlas.Resource> resources = BundledOpenBlas.find(LOADER).resources();

        // Each kind of damage is detected (then undone, so each case sees only its own damage).
        damage(dir.resolve("libgfortran.so.5"), bytes -> bytes[bytes.length / 2] ^= 0x5A, resources,
                "libgfortran.so.5 CRC-32");
        long quadmathSize = Files.size(dir.resolve("libquadmath.so.0"));
        damage(dir.resolve("libquadmath.so.0"), null, resources,
                "libquadmath.so.0 has 1000 bytes, the jar has " + quadmathSize);
        damage(dir.resolve(BundledOpenBlas.MANIFEST), bytes -> bytes[0] = (byte) (bytes[0] == '0' ? '1' : '0'),
                resources, "SHA-256");
        byte[] manifest = Files.readAllBytes(dir.resolve(BundledOpenBlas.MANIFEST));
        Files.delete(dir.resolve(BundledOpenBlas.MANIFEST));
        assertEquals("no " + BundledOpenBlas.MANIFEST, BundledOpenBlas.verify(dir, resources));
        Files.write(dir.resolve(BundledOpenBlas.MANIFEST), manifest);
        byte[] quadmath = Files.readAllBytes(dir.resolve("libquadmath.so.0"));
        Files.delete(dir.resolve("libquadmath.so.0"));
        assertEquals("libquadmath.so.0 is missing", BundledOpenBlas.verify(dir, resources));
        Files.write(dir.resolve("libquadmath.so.0"), quadmath);
        assertNull(BundledOpenBlas.verify(dir, resources));

        // A damaged cache is extracted again, not patched: a fresh directory renamed into place.
        Path gfortran = dir.resolve("libgfortran.so.5");
        byte[] original = Files.readAllBytes(gfortran);
        byte[] flipped = original.clone();
        flipped[flipped.length / 3] ^= 0x11; // same size, different content
        replace(gfortran, flipped);
        BundledOpenBlas.Extraction again = BundledOpenBlas.extract(root, LOADER);
        contains(again.how(), "re-extracted to " + dir);
        contains(again.how(), "cached copy failed verification: libgfortran.so.5 CRC-32");
        assertArrayEquals(original, Files.readAllBytes(gfortran));
        assertEquals("reused " + dir, BundledOpenBlas.extract(root, LOADER).how());
        assertOnlyTarget(root, dir);

        // The repaired copy loads and computes.
        try (BlasLibrary bundled = BlasLoader.loadBundled(BlasSettings.ofMode("bundled").withCacheDir(root));
             Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 3, 4);
            assertEquals(5f, bundled.snrm2(2, x, 0, 1), 1e-6f);
            assertEquals(25f, bundled.sdot(2, x, 0, 1, x, 0, 1), 1e-5f);
        }
    }

    /** Damages a file (flips with {@code change}, or truncates to 1000 bytes), checks the verdict, restores it. */
    private static void damage(Path file, java.util.function.Consumer<byte[]> change,
                               List<BundledOpenBlas.Resource> resources, String expected) throws IOException {
        byte[] original = Files.readAllBytes(file);
        byte[] damaged = change == null ? java.util.Arrays.copyOf(original, 1000) : original.clone();
        if (change != null) {
            change.accept(damaged);
        }
        replace(file, damaged);
        String verdict = BundledOpenBlas.verify(file.getParent(), resources);
        assertTrue(verdict != null && verdict.contains(expected), () -> verdict + " should contain " + expected);
        replace(file, original);
    }

    @Test
    void abandonedTemporaryDirectoriesAreRemoved(@TempDir Path root) throws IOException {
        Path old = Files.createDirectories(root.resolve(".openblas-0.3.30-1.5.12-0123456789abcdef-tmp-42"));
        Files.writeString(old.resolve("libopenblas.so.0"), "partial");
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
                - 7_200_000L));
        Path young = Files.createDirectories(root.resolve(".openblas-0.3.30-1.5.12-0123456789abcdef-tmp-43"));
        Path dir = BundledOpenBlas.extract(root, LOADER).dir();
        assertTrue(Files.notExists(old), "an abandoned extraction from two hours ago is removed");
        assertTrue(Files.isDirectory(young), "a young one may belong to a running extraction");
        Files.delete(young);
        assertOnlyTarget(root, dir);
    }

    @Test
    void concurrentExtractionsAgree(@TempDir Path root) throws Exception {
        // Two extractors without the in-JVM lock, as two processes would be, racing on an empty cache: one rename
        // wins, the other verifies and uses the winner's directory.
        BundledOpenBlas.Bundle bundle = BundledOpenBlas.find(LOADER);
        Callable<BundledOpenBlas.Extraction> extract = () -> BundledOpenBlas.extractUnlocked(root, bundle);
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<BundledOpenBlas.Extraction> a = pool.submit(extract);
            Future<BundledOpenBlas.Extraction> b = pool.submit(extract);
            assertEquals(a.get().dir(), b.get().dir());
            assertNull(BundledOpenBlas.verify(a.get().dir(), BundledOpenBlas.find(LOADER).resources()));
            assertOnlyTarget(root, a.get().dir());
        }
    }

    @Test
    void loadsFromTheCacheAndComputes() {
        // The shared test cache (extracted once per test JVM): a second load in the same JVM reuses the extraction.
        Path root = TestLibraries.bundledCache();
        BlasSettings settings = BlasSettings.ofMode("bundled").withCacheDir(root);
        try (BlasLibrary bundled = BlasLoader.loadBundled(settings); Arena arena = Arena.ofConfined()) {
            BlasInfo info = bundled.info();
            assertEquals(Source.BUNDLED, info.source());
            assertTrue(Path.of(info.path()).startsWith(root), info.path());
            contains(info.config(), "OpenBLAS 0.3.30");
            contains(info.detail(), "org.bytedeco:openblas:0.3.30-1.5.12:linux-x86_64 reused " + root);
            contains(info.detail(), "preloaded ");
            contains(info.detail(), "libgfortran.so.5");
            MemorySegment a = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 2, 3, 4, 5, 6);
            MemorySegment b = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 0, 0, 1, 1, 1);
            MemorySegment c = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
            bundled.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
            BlasOpsTest.assertArrayClose(new float[] {4, 5, 10, 11}, c.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @Test
    void cacheDirectoryProperty() {
        Path root = TestLibraries.bundledCache();
        String previous = System.getProperty(BlasSettings.CACHE_DIR);
        System.setProperty(BlasSettings.CACHE_DIR, root.toString());
        try (BlasLibrary bundled = BlasLibrary.load(Source.BUNDLED)) {
            assertTrue(Path.of(bundled.info().path()).startsWith(root), bundled.info().path());
        } finally {
            if (previous == null) {
                System.clearProperty(BlasSettings.CACHE_DIR);
            } else {
                System.setProperty(BlasSettings.CACHE_DIR, previous);
            }
        }
    }
}
