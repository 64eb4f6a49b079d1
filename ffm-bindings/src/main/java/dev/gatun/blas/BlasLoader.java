package dev.gatun.blas;

import dev.gatun.blas.BlasInfo.Source;
import dev.gatun.blas.generated.cblas_h;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads one OpenBLAS library from one source into its own shared arena and binds {@link cblas_h} to it. Every load
 * first applies the process-wide core-type decision ({@link CoreType}), because OpenBLAS reads
 * {@code OPENBLAS_CORETYPE} when it is loaded. Failures are {@link IllegalStateException}s whose message says what
 * was tried and why it failed.
 */
@SuppressWarnings("restricted") // loading native libraries is what this class is for
final class BlasLoader {

    private BlasLoader() {
    }

    static final String SYSTEM_NAME = "libopenblas.so.0";
    /** Searched after dlopen by name fails; Debian/Ubuntu, Fedora/RHEL, source builds. */
    static final List<Path> SYSTEM_DIRS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread"),
            Path.of("/usr/lib64"), Path.of("/usr/lib"), Path.of("/usr/local/lib"), Path.of("/opt/OpenBLAS/lib"));

    /**
     * Real paths of bundled copies loaded in this JVM. Both copies are called {@code libopenblas.so.0}, and once the
     * bundled one is loaded, dlopen by that name returns it (the linker matches loaded libraries by soname): the
     * system lookup then goes on to the absolute paths.
     */
    private static final Set<Path> BUNDLED_LOADED = ConcurrentHashMap.newKeySet();

    static BlasLibrary load(Source source, BlasSettings settings) {
        return switch (source) {
            case EXPLICIT_PATH -> {
                String path = settings.normalizedExplicitPath();
                if (path == null) {
                    throw new IllegalStateException("-D" + BlasSettings.PATH + " is not set");
                }
                yield loadPath(Path.of(path), settings);
            }
            case SYSTEM -> loadSystem(settings);
            case BUNDLED -> loadBundled(settings);
            case NONE -> throw new IllegalArgumentException("Source.NONE has no library to load");
        };
    }

    static BlasLibrary loadPath(Path path, BlasSettings settings) {
        CoreType.Decision coreType = CoreType.apply(settings.coreType());
        Path file = path.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " does not exist or is not a file");
        }
        Arena arena = Arena.ofShared();
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(file, arena);
        } catch (IllegalArgumentException e) {
            closeQuietly(arena);
            throw new IllegalStateException("cannot load " + file + ": " + why(file.toString(), e));
        }
        return bind(Source.EXPLICIT_PATH, arena, lookup, file.toString(), "loaded from " + file, coreType, settings);
    }

    static BlasLibrary loadSystem(BlasSettings settings) {
        CoreType.Decision coreType = CoreType.apply(settings.coreType());
        List<String> failures = new ArrayList<>();
        // 1. By name, as the dynamic linker resolves it: LD_LIBRARY_PATH, ld.so.cache, default directories.
        Arena arena = Arena.ofShared();
        try {
            SymbolLookup lookup = SymbolLookup.libraryLookup(SYSTEM_NAME, arena);
            Optional<String> file = lookup.find("cblas_sgemm").flatMap(LibC::loadedFrom);
            if (file.isPresent() && isBundledCopy(file.get())) {
                closeQuietly(arena);
                failures.add("dlopen(" + SYSTEM_NAME + ") returned the bundled copy " + file.get()
                        + " already loaded in this JVM");
            } else {
                return bind(Source.SYSTEM, arena, lookup, file.orElse(SYSTEM_NAME), "dlopen(" + SYSTEM_NAME + ")",
                        coreType, settings);
            }
        } catch (IllegalArgumentException e) {
            closeQuietly(arena);
            failures.add("dlopen(" + SYSTEM_NAME + "): " + why(SYSTEM_NAME, e));
        } catch (RuntimeException e) {
            closeQuietly(arena);
            failures.add("dlopen(" + SYSTEM_NAME + "): " + e.getMessage());
        }
        // 2. Well-known directories, by absolute path.
        for (Path dir : SYSTEM_DIRS) {
            Path file = dir.resolve(SYSTEM_NAME);
            if (!Files.isRegularFile(file) || isBundledCopy(file.toString())) {
                continue;
            }
            Arena dirArena = Arena.ofShared();
            try {
                SymbolLookup lookup = SymbolLookup.libraryLookup(file, dirArena);
                String how = "loaded from " + file
                        + (failures.isEmpty() ? "" : " after " + String.join("; ", failures));
                return bind(Source.SYSTEM, dirArena, lookup, file.toString(), how, coreType, settings);
            } catch (IllegalArgumentException e) {
                closeQuietly(dirArena);
                failures.add(file + ": " + why(file.toString(), e));
            } catch (RuntimeException e) {
                closeQuietly(dirArena);
                failures.add(file + ": " + e.getMessage());
            }
        }
        if (failures.size() == 1) {
            failures.add("not in " + SYSTEM_DIRS);
        }
        throw new IllegalStateException(String.join("; ", failures));
    }

    static BlasLibrary loadBundled(BlasSettings settings) {
        CoreType.Decision coreType = CoreType.apply(settings.coreType());
        BundledOpenBlas.Extraction extraction;
        try {
            extraction = BundledOpenBlas.extract(settings.cacheRoot(), classLoader());
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract to " + settings.cacheRoot() + " (set -D"
                    + BlasSettings.CACHE_DIR + " to a writable directory): " + e, e);
        }
        String artifact = BundledOpenBlas.ARTIFACT.replace("<version>", extraction.version());
        Arena arena = Arena.ofShared();
        List<String> preloaded = new ArrayList<>();
        Path current = null;
        try {
            for (String name : extraction.files()) {
                if (name.equals(BundledOpenBlas.LIBRARY)) {
                    continue;
                }
                if (name.startsWith("libgcc_s")) {
                    // glibc itself loads the system unwinder by this name; one copy is better than two.
                    try {
                        SymbolLookup.libraryLookup(name, arena);
                        preloaded.add(name + " (system)");
                        continue;
                    } catch (IllegalArgumentException e) {
                        // none on this system: use the bundled one
                    }
                }
                current = extraction.file(name);
                SymbolLookup.libraryLookup(current, arena);
                preloaded.add(name);
            }
            current = extraction.file(BundledOpenBlas.LIBRARY);
            SymbolLookup lookup = SymbolLookup.libraryLookup(current, arena);
            BUNDLED_LOADED.add(realPath(current));
            return bind(Source.BUNDLED, arena, lookup, current.toString(), artifact + " " + extraction.how()
                    + ", preloaded " + String.join(", ", preloaded), coreType, settings);
        } catch (IllegalArgumentException e) {
            closeQuietly(arena);
            throw new IllegalStateException("cannot load " + current + " from " + artifact + ": "
                    + why(String.valueOf(current), e));
        } catch (RuntimeException e) {
            closeQuietly(arena);
            throw e;
        }
    }

    /** Binds the generated bindings, applies the thread count and reads what OpenBLAS says about itself. */
    private static BlasLibrary bind(Source source, Arena arena, SymbolLookup lookup, String fallbackPath, String how,
                                    CoreType.Decision coreType, BlasSettings settings) {
        try {
            cblas_h blas;
            try {
                blas = new cblas_h(lookup);
            } catch (UnsatisfiedLinkError e) {
                throw new IllegalStateException(fallbackPath + " is not a usable OpenBLAS: " + e.getMessage());
            }
            String path = LibC.loadedFrom(blas.cblas_sgemm$address()).orElse(fallbackPath);
            List<String> warnings = new ArrayList<>();
            blas.openblas_set_num_threads(settings.threadCount(warnings));
            String coreName = string(blas.openblas_get_corename());
            String config = string(blas.openblas_get_config());
            StringBuilder detail = new StringBuilder(how);
            String real = realPath(Path.of(path)).toString();
            if (!real.equals(path)) {
                detail.append(" (").append(real).append(')');
            }
            detail.append("; core type: ").append(coreType.detail());
            warnings.forEach(w -> detail.append("; ").append(w));
            BlasInfo info = new BlasInfo(source, path, coreName, config, coreType.coreType(), coreType.setByGatun(),
                    blas.openblas_get_num_threads(), detail.toString());
            return new BlasLibrary(arena, blas, info);
        } catch (RuntimeException | LinkageError e) {
            closeQuietly(arena);
            throw e instanceof IllegalStateException ise ? ise
                    : new IllegalStateException(fallbackPath + ": " + e, e);
        }
    }

    /** Closes an arena that may already be closed (bind closes its arena when it fails). */
    private static void closeQuietly(Arena arena) {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    private static String string(MemorySegment cString) {
        return cString.equals(MemorySegment.NULL) ? "" : cString.getString(0).strip();
    }

    private static String why(String file, IllegalArgumentException e) {
        String reason = LibC.dlopenError(file);
        return reason != null ? reason : e.getMessage();
    }

    private static boolean isBundledCopy(String file) {
        return BUNDLED_LOADED.contains(realPath(Path.of(file)));
    }

    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException | RuntimeException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader own = BlasLoader.class.getClassLoader();
        if (own != null && own.getResource(BundledOpenBlas.RESOURCE_DIR + BundledOpenBlas.LIBRARY) != null) {
            return own;
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : own != null ? own : ClassLoader.getSystemClassLoader();
    }
}
