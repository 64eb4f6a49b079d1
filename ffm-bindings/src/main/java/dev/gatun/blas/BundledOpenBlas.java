package dev.gatun.blas;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Extracts the OpenBLAS shared libraries from the {@code org.bytedeco:openblas:...:linux-x86_64} natives jar into
 * a per-user cache, once, so they can be loaded by absolute path. JavaCPP's own loader is not used.
 *
 * <p>Layout: {@code <cacheRoot>/openblas-<version>-<key>/} holds {@code libopenblas.so.0}, the runtime libraries it
 * needs ({@code libgfortran.so.5}, {@code libquadmath.so.0}, {@code libgcc_s.so.1}) and a manifest
 * {@value #MANIFEST} with the SHA-256, size and CRC-32 of each resource, hashed from the resource stream while it is
 * copied. The key is a SHA-256 over the version and the name, size and CRC-32 of every resource (read from the jar's
 * directory, so computing it inflates nothing): another jar gets another directory.
 *
 * <p>Extraction goes to a temporary directory that is renamed into place, so other threads and processes see a
 * complete directory or none. Every use re-verifies the cached files: size and CRC-32 against the jar, SHA-256
 * against the manifest. A directory that fails is renamed aside (a process that has the old files mapped keeps
 * them) and extracted again; files are never rewritten in place.
 */
final class BundledOpenBlas {

    private BundledOpenBlas() {
    }

    static final String ARTIFACT = "org.bytedeco:openblas:<version>:linux-x86_64";
    static final String RESOURCE_DIR = "org/bytedeco/openblas/linux-x86_64/";
    static final String LIBRARY = "libopenblas.so.0";
    /** Files to extract, in load order: runtime dependencies first. Only {@link #LIBRARY} is required. */
    static final List<String> FILES = List.of("libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5", LIBRARY);
    static final String POM_PROPERTIES = "META-INF/maven/org.bytedeco/openblas/pom.properties";
    static final String MANIFEST = "gatun-openblas.sha256";
    private static final int ATTEMPTS = 3;
    private static final Object LOCK = new Object();

    /** One library inside the jar; {@code size} and {@code crc} are what the jar says the bytes are. */
    record Resource(String name, URL url, long size, long crc) {
    }

    /** Where the resources were found and what they are. */
    record Bundle(String version, List<Resource> resources) {
    }

    /**
     * A verified extraction.
     *
     * @param dir the directory holding the libraries
     * @param version the natives jar version, e.g. {@code 0.3.30-1.5.12}
     * @param files the extracted file names in load order
     * @param how what happened: reused, extracted, or re-extracted and why
     */
    record Extraction(Path dir, String version, List<String> files, String how) {
        Path file(String name) {
            return dir.resolve(name);
        }
    }

    /** {@return the natives jar version Gatun was built with (from the filtered gatun-blas.properties)} */
    static String expectedVersion() {
        try (InputStream in = BundledOpenBlas.class.getResourceAsStream("gatun-blas.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("openblas.natives.version", "");
                if (!v.isEmpty() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "<version>";
    }

    /** {@code null} if this platform can use the linux-x86_64 natives jar, else why not. */
    static String unsupportedPlatform() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        boolean ok = os.toLowerCase(Locale.ROOT).startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
        return ok ? null : "the bundled natives are for linux-x86_64, this is " + os + " " + arch;
    }

    /**
     * Extracts (or reuses) the bundled libraries.
     *
     * @throws IllegalStateException if the natives jar is not on the classpath or this platform cannot use it
     * @throws IOException if the cache cannot be written or the files do not verify after several attempts
     */
    static Extraction extract(Path cacheRoot, ClassLoader loader) throws IOException {
        String unsupported = unsupportedPlatform();
        if (unsupported != null) {
            throw new IllegalStateException(unsupported);
        }
        Bundle bundle = find(loader);
        synchronized (LOCK) { // threads of one JVM take turns; other processes are handled by the atomic rename
            return extractUnlocked(cacheRoot, bundle);
        }
    }

    static Bundle find(ClassLoader loader) throws IOException {
        URL library = loader.getResource(RESOURCE_DIR + LIBRARY);
        if (library == null) {
            throw new IllegalStateException(ARTIFACT + " is not on the classpath (no resource " + RESOURCE_DIR
                    + LIBRARY + ")");
        }
        String url = library.toExternalForm();
        String base = url.substring(0, url.length() - (RESOURCE_DIR + LIBRARY).length());
        Path jarPath = jarPath(library);
        if (jarPath != null) {
            try (JarFile jar = new JarFile(jarPath.toFile(), false)) {
                List<Resource> resources = new ArrayList<>();
                for (String name : FILES) {
                    JarEntry entry = jar.getJarEntry(RESOURCE_DIR + name);
                    if (entry == null) {
                        continue;
                    }
                    URL u = resourceUrl(base, name);
                    resources.add(entry.getSize() >= 0 && entry.getCrc() >= 0
                            ? new Resource(name, u, entry.getSize(), entry.getCrc())
                            : measure(name, u));
                }
                JarEntry pom = jar.getJarEntry(POM_PROPERTIES);
                String version = "unknown";
                if (pom != null) {
                    try (InputStream in = jar.getInputStream(pom)) {
                        version = version(in);
                    }
                }
                return new Bundle(version, List.copyOf(resources));
            }
        }
        // Not a plain jar file (an exploded directory, a nested jar): read the resources to learn size and CRC.
        List<Resource> resources = new ArrayList<>();
        for (String name : FILES) {
            URL u = resourceUrl(base, name);
            if (name.equals(LIBRARY) || exists(u)) {
                resources.add(measure(name, u));
            }
        }
        String version = "unknown";
        URL pom = resourceUrl(base, POM_PROPERTIES);
        if (exists(pom)) {
            try (InputStream in = open(pom)) {
                version = version(in);
            }
        }
        return new Bundle(version, List.copyOf(resources));
    }

    /** Extraction without the in-JVM lock: safe against concurrent extractors, which tests use to race. */
    static Extraction extractUnlocked(Path cacheRoot, Bundle bundle) throws IOException {
        Files.createDirectories(cacheRoot);
        Path target = cacheRoot.resolve("openblas-" + bundle.version() + "-" + key(bundle));
        if (!Files.isDirectory(target)) {
            deleteAbandoned(cacheRoot);
        }
        List<String> names = bundle.resources().stream().map(Resource::name).toList();
        List<String> problems = new ArrayList<>();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (Files.isDirectory(target)) {
                String bad = verify(target, bundle.resources());
                if (bad == null) {
                    String how = problems.isEmpty() ? "reused " + target
                            : "re-extracted to " + target + " (" + String.join("; ", problems) + ")";
                    return new Extraction(target, bundle.version(), names, how);
                }
                problems.add("cached copy failed verification: " + bad);
                moveAsideAndDelete(target);
            }
            Path tmp = Files.createTempDirectory(cacheRoot, "." + target.getFileName() + "-tmp-");
            try {
                write(tmp, bundle.resources());
                String bad = verify(tmp, bundle.resources());
                if (bad != null) {
                    problems.add("fresh extraction failed verification: " + bad);
                    continue;
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileSystemException e) {
                    // Another thread or process renamed its copy into place first: verify that one next round.
                    if (!Files.isDirectory(target)) {
                        throw e;
                    }
                    continue;
                }
                String how = problems.isEmpty() ? "extracted to " + target
                        : "re-extracted to " + target + " (" + String.join("; ", problems) + ")";
                return new Extraction(target, bundle.version(), names, how);
            } finally {
                deleteRecursively(tmp);
            }
        }
        throw new IOException("could not extract " + ARTIFACT.replace("<version>", bundle.version()) + " to "
                + target + " after " + ATTEMPTS + " attempts: " + String.join("; ", problems));
    }

    /** {@return {@code null} if every file in {@code dir} matches the jar and the manifest, else what differs} */
    static String verify(Path dir, List<Resource> resources) throws IOException {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            return "no " + MANIFEST;
        }
        Map<String, String[]> manifest = new LinkedHashMap<>();
        for (String line : Files.readAllLines(manifestFile, StandardCharsets.UTF_8)) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 4) {
                manifest.put(f[3], f);
            }
        }
        for (Resource r : resources) {
            Path file = dir.resolve(r.name());
            if (!Files.isRegularFile(file)) {
                return r.name() + " is missing";
            }
            long size = Files.size(file);
            if (size != r.size()) {
                return r.name() + " has " + size + " bytes, the jar has " + r.size();
            }
            String[] entry = manifest.get(r.name());
            if (entry == null || !entry[1].equals(Long.toString(r.size())) || !entry[2].equals(crcHex(r.crc()))) {
                return MANIFEST + " does not describe this jar's " + r.name();
            }
            Digests d;
            try (InputStream in = Files.newInputStream(file)) {
                d = Digests.of(in, OutputStream.nullOutputStream());
            }
            if (d.crc() != r.crc()) {
                return r.name() + " CRC-32 " + crcHex(d.crc()) + " differs from the jar's " + crcHex(r.crc());
            }
            if (!d.sha256().equals(entry[0])) {
                return r.name() + " SHA-256 " + d.sha256() + " differs from the resource's " + entry[0];
            }
        }
        return null;
    }

    private static void write(Path dir, List<Resource> resources) throws IOException {
        StringBuilder manifest = new StringBuilder();
        for (Resource r : resources) {
            Path file = dir.resolve(r.name());
            Digests d;
            try (InputStream in = open(r.url()); OutputStream out = Files.newOutputStream(file)) {
                d = Digests.of(in, out);
            }
            if (d.size() != r.size() || d.crc() != r.crc()) {
                throw new IOException("reading " + r.url() + " gave " + d.size() + " bytes with CRC-32 "
                        + crcHex(d.crc()) + ", the jar says " + r.size() + " bytes with CRC-32 " + crcHex(r.crc()));
            }
            // Read-only: nothing should ever rewrite a library another process may have mapped.
            setPermissions(file, "r-x------");
            manifest.append(d.sha256()).append("  ").append(d.size()).append("  ").append(crcHex(d.crc()))
                    .append("  ").append(r.name()).append('\n');
        }
        Path manifestFile = dir.resolve(MANIFEST);
        Files.writeString(manifestFile, manifest.toString(), StandardCharsets.UTF_8);
        setPermissions(manifestFile, "r--------");
    }

    /** SHA-256, CRC-32 and size of a stream, copied to {@code out} on the way. */
    record Digests(String sha256, long crc, long size) {
        static Digests of(InputStream in, OutputStream out) throws IOException {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError("every JDK has SHA-256", e);
            }
            CRC32 crc = new CRC32();
            byte[] buffer = new byte[1 << 16];
            long size = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                crc.update(buffer, 0, n);
                out.write(buffer, 0, n);
                size += n;
            }
            return new Digests(HexFormat.of().formatHex(sha.digest()), crc.getValue(), size);
        }
    }

    private static String key(Bundle bundle) {
        StringBuilder s = new StringBuilder("gatun-openblas-cache-v1\n").append(bundle.version()).append('\n');
        for (Resource r : bundle.resources()) {
            s.append(r.name()).append(' ').append(r.size()).append(' ').append(crcHex(r.crc())).append('\n');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    private static Resource measure(String name, URL url) throws IOException {
        try (InputStream in = open(url)) {
            Digests d = Digests.of(in, OutputStream.nullOutputStream());
            return new Resource(name, url, d.size(), d.crc());
        }
    }

    private static Path jarPath(URL resource) throws IOException {
        if (!resource.getProtocol().equals("jar")) {
            return null;
        }
        URL jarFile = ((JarURLConnection) resource.openConnection()).getJarFileURL();
        if (!jarFile.getProtocol().equals("file")) {
            return null;
        }
        try {
            Path path = Path.of(jarFile.toURI());
            return Files.isRegularFile(path) ? path : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static URL resourceUrl(String base, String name) throws IOException {
        String path = name.startsWith("META-INF/") ? name : RESOURCE_DIR + name;
        return URI.create(base + path).toURL();
    }

    private static InputStream open(URL url) throws IOException {
        URLConnection connection = url.openConnection();
        connection.setUseCaches(false); // our own jar handle, closed with the stream
        return connection.getInputStream();
    }

    private static boolean exists(URL url) {
        try (InputStream _ = open(url)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String version(InputStream pomProperties) throws IOException {
        Properties p = new Properties();
        p.load(pomProperties);
        String v = p.getProperty("version", "unknown");
        return v.matches("[A-Za-z0-9._-]{1,64}") ? v : "unknown";
    }

    private static String crcHex(long crc) {
        return String.format("%08x", crc);
    }

    private static void setPermissions(Path file, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the defaults
        }
    }

    /**
     * Deletes temporary and stale directories that a killed process left behind (ours are deleted in finally
     * blocks). Only those older than an hour: a younger one may belong to an extraction in progress.
     */
    private static void deleteAbandoned(Path cacheRoot) {
        long cutoff = System.currentTimeMillis() - 3_600_000L;
        try (Stream<Path> entries = Files.list(cacheRoot)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".openblas-") && (name.contains("-tmp-") || name.contains("-stale-"))
                        && Files.getLastModifiedTime(p).toMillis() < cutoff) {
                    deleteRecursively(p);
                }
            }
        } catch (IOException e) {
            // Best effort, as for every cleanup here.
        }
    }

    private static void moveAsideAndDelete(Path dir) throws IOException {
        Path aside = dir.resolveSibling("." + dir.getFileName() + "-stale-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return; // someone else moved it already
        }
        deleteRecursively(aside);
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Best effort: a leftover hidden directory costs disk space, not correctness.
        }
    }
}
