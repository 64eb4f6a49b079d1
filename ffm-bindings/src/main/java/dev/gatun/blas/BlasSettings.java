package dev.gatun.blas;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The system properties that steer OpenBLAS discovery, read once so a decision never sees half-changed settings.
 * Tests build their own instances instead of setting properties, so they do not depend on each other's order.
 *
 * @param mode {@code gatun.openblas}: {@code auto} (default), {@code system}, {@code bundled} or {@code none}
 * @param explicitPath {@code gatun.openblas.path}, or {@code null}
 * @param coreType {@code gatun.openblas.coretype}: {@code null} (Gatun's AVX-512 fix), {@code auto} or a core name
 * @param threads {@code gatun.blas.threads}, or {@code null} for 1
 * @param cacheDir {@code gatun.cache.dir}, or {@code null} for {@code ${XDG_CACHE_HOME:-~/.cache}/gatun}
 */
record BlasSettings(String mode, String explicitPath, String coreType, String threads, String cacheDir) {

    static final String MODE = "gatun.openblas";
    static final String PATH = "gatun.openblas.path";
    static final String CORETYPE = "gatun.openblas.coretype";
    static final String THREADS = "gatun.blas.threads";
    static final String CACHE_DIR = "gatun.cache.dir";

    static final List<String> MODES = List.of("auto", "system", "bundled", "none");

    static BlasSettings fromSystemProperties() {
        return new BlasSettings(System.getProperty(MODE), System.getProperty(PATH), System.getProperty(CORETYPE),
                System.getProperty(THREADS), System.getProperty(CACHE_DIR));
    }

    /** {@return the settings with only the given mode, everything else default} */
    static BlasSettings ofMode(String mode) {
        return new BlasSettings(mode, null, null, null, null);
    }

    BlasSettings withCacheDir(Path dir) {
        return new BlasSettings(mode, explicitPath, coreType, threads, dir.toString());
    }

    BlasSettings withExplicitPath(String path) {
        return new BlasSettings(mode, path, coreType, threads, cacheDir);
    }

    /** {@return the normalized mode, or {@code null} if the property holds something else} */
    String normalizedMode() {
        String m = blankToNull(mode);
        if (m == null) {
            return "auto";
        }
        m = m.toLowerCase(Locale.ROOT);
        return MODES.contains(m) ? m : null;
    }

    String normalizedExplicitPath() {
        return blankToNull(explicitPath);
    }

    /** {@return the thread count to set after loading; invalid values fall back to 1 and add a warning} */
    int threadCount(List<String> warnings) {
        String t = blankToNull(threads);
        if (t == null) {
            return 1;
        }
        try {
            int n = Integer.parseInt(t);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the warning
        }
        warnings.add("ignored -D" + THREADS + "=" + threads + " (expected an integer >= 1), using 1 thread");
        return 1;
    }

    /** {@return the per-user cache root: gatun.cache.dir, else ${XDG_CACHE_HOME:-~/.cache}/gatun} */
    Path cacheRoot() {
        String dir = blankToNull(cacheDir);
        if (dir != null) {
            return Path.of(dir).toAbsolutePath();
        }
        String xdg = blankToNull(System.getenv("XDG_CACHE_HOME"));
        // The XDG spec says to ignore a relative XDG_CACHE_HOME.
        Path base = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("gatun").toAbsolutePath();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
