package dev.gatun.blas;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The three libc functions discovery needs, through the linker's default lookup. {@code getenv} and {@code setenv}
 * go to the real process environment (Java's {@code System.getenv} is a copy taken at startup, and OpenBLAS reads
 * {@code OPENBLAS_CORETYPE} with {@code getenv} when it is loaded); {@code dladdr} names the file a symbol was loaded
 * from.
 */
@SuppressWarnings("restricted") // native calls are what this class is for
final class LibC {

    private LibC() {
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup DEFAULT = LINKER.defaultLookup();
    // char *: a NUL-terminated string of unknown length
    private static final AddressLayout C_STRING =
            ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, JAVA_BYTE));

    private static final class Getenv {
        // char *getenv(const char *name)
        static final MethodHandle HANDLE = LINKER.downcallHandle(DEFAULT.findOrThrow("getenv"),
                FunctionDescriptor.of(C_STRING, ADDRESS));
    }

    private static final class Setenv {
        // int setenv(const char *name, const char *value, int overwrite)
        static final MethodHandle HANDLE = LINKER.downcallHandle(DEFAULT.findOrThrow("setenv"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    }

    private static final class Unsetenv {
        // int unsetenv(const char *name)
        static final MethodHandle HANDLE = LINKER.downcallHandle(DEFAULT.findOrThrow("unsetenv"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private static final class Dladdr {
        // typedef struct { const char *dli_fname; void *dli_fbase; const char *dli_sname; void *dli_saddr; } Dl_info;
        static final MemoryLayout DL_INFO = MemoryLayout.structLayout(
                C_STRING.withName("dli_fname"), ADDRESS.withName("dli_fbase"),
                C_STRING.withName("dli_sname"), ADDRESS.withName("dli_saddr"));
        // int dladdr(const void *addr, Dl_info *info)
        static final MethodHandle HANDLE = LINKER.downcallHandle(DEFAULT.findOrThrow("dladdr"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class Dlopen {
        static final int RTLD_LAZY = 1;
        // void *dlopen(const char *file, int mode); int dlclose(void *handle); char *dlerror(void)
        static final MethodHandle DLOPEN = LINKER.downcallHandle(DEFAULT.findOrThrow("dlopen"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        static final MethodHandle DLCLOSE = LINKER.downcallHandle(DEFAULT.findOrThrow("dlclose"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle DLERROR = LINKER.downcallHandle(DEFAULT.findOrThrow("dlerror"),
                FunctionDescriptor.of(C_STRING));
    }

    /**
     * Why the dynamic linker refuses to load {@code file} (e.g. a missing dependency or the wrong ELF class), for
     * error messages: the JDK's library lookup only says "Cannot open library".
     *
     * @return the {@code dlerror()} text, or {@code null} if the file loads (it is unloaded again) or the reason is
     *     unknown
     */
    static String dlopenError(String file) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle =
                    (MemorySegment) Dlopen.DLOPEN.invokeExact(arena.allocateFrom(file), Dlopen.RTLD_LAZY);
            if (!handle.equals(MemorySegment.NULL)) {
                int ignored = (int) Dlopen.DLCLOSE.invokeExact(handle);
                return null;
            }
            MemorySegment error = (MemorySegment) Dlopen.DLERROR.invokeExact();
            return error.equals(MemorySegment.NULL) ? null : error.getString(0);
        } catch (RuntimeException | LinkageError e) {
            return null; // only a diagnostic
        } catch (Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@return the variable from the process environment (not Java's startup copy), or {@code null}} */
    static String getenv(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = (MemorySegment) Getenv.HANDLE.invokeExact(arena.allocateFrom(name));
            return value.equals(MemorySegment.NULL) ? null : value.getString(0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Sets a variable in the process environment. Not thread-safe against concurrent {@code getenv} in native code,
     * which is why Gatun does it once, before the first OpenBLAS load.
     */
    static void setenv(String name, String value, boolean overwrite) {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) Setenv.HANDLE.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value),
                    overwrite ? 1 : 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc != 0) {
            throw new IllegalStateException("setenv(" + name + ", " + value + ") failed");
        }
    }

    /** Removes a variable from the process environment; the same caveat as {@link #setenv}. */
    static void unsetenv(String name) {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) Unsetenv.HANDLE.invokeExact(arena.allocateFrom(name));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc != 0) {
            throw new IllegalStateException("unsetenv(" + name + ") failed");
        }
    }

    /** {@return the file the shared object containing {@code address} was loaded from, if the linker knows it} */
    static Optional<String> loadedFrom(MemorySegment address) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(Dladdr.DL_INFO);
            int found = (int) Dladdr.HANDLE.invokeExact(address, info);
            if (found == 0) {
                return Optional.empty();
            }
            MemorySegment fname = info.get(C_STRING, 0);
            return fname.equals(MemorySegment.NULL) ? Optional.empty() : Optional.of(fname.getString(0));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
