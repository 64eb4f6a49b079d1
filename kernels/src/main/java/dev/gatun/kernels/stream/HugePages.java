package dev.gatun.kernels.stream;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Memory for packed weights on 2 MiB pages where Linux grants them: {@code mmap} plus
 * {@code madvise(MADV_HUGEPAGE)} (transparent huge pages in their default "madvise" mode), unmapped when the owning
 * arena closes. Why: a step streams the whole panel, and a panel close to the L2's size only stays in L2 if its
 * lines spread evenly over the L2's sets. With 4 KiB pages the physical page colors are random and some sets
 * overflow; measured on a 2 MiB-L2 Xeon, streaming 2 MiB ran at 46-53 GB/s on 4 KiB pages and 128-134 GB/s on one
 * huge page (1 MiB: about 130 GB/s either way).
 *
 * <p>Used for panels of at least 1 MiB (a smaller one is not worth rounding up to a 2 MiB page), only on Linux, only
 * with native access enabled ({@code --enable-native-access}), and not with {@code -Dgatun.hugepages=false}; otherwise,
 * or if {@code mmap} fails, the arena allocates as usual. Either way the memory is zero-filled and 64-byte aligned.
 */
@SuppressWarnings("restricted") // mmap, madvise, munmap: what this class is for
final class HugePages {
    private static final System.Logger LOG = System.getLogger("dev.gatun.kernels");
    private static final long HUGE = 2L << 20;
    private static final long THRESHOLD = 1L << 20;

    private HugePages() {}

    /** {@code bytes} zeroed bytes owned by {@code arena}, on huge pages when possible. */
    static MemorySegment allocate(Arena arena, long bytes) {
        if (bytes >= THRESHOLD && Native.USABLE) {
            MemorySegment s = Native.map(arena, bytes);
            if (s != null) {
                return s;
            }
        }
        return arena.allocate(Math.max(bytes, 64), 64);
    }

    // A holder so the native handles are linked only when a panel is large enough to ask.
    private static final class Native {
        static final boolean USABLE = usable();
        static final int PROT_READ_WRITE = 0x3;
        static final int MAP_PRIVATE_ANONYMOUS = 0x22;   // Linux values on x86-64 and AArch64
        static final int MADV_HUGEPAGE = 14;
        static final MethodHandle MMAP;
        static final MethodHandle MADVISE;
        static final MethodHandle MUNMAP;

        static {
            MethodHandle mmap = null;
            MethodHandle madvise = null;
            MethodHandle munmap = null;
            if (USABLE) {
                Linker linker = Linker.nativeLinker();
                // void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
                mmap = linker.downcallHandle(linker.defaultLookup().findOrThrow("mmap"),
                        FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
                // int madvise(void *addr, size_t len, int advice)
                madvise = linker.downcallHandle(linker.defaultLookup().findOrThrow("madvise"),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
                // int munmap(void *addr, size_t len)
                munmap = linker.downcallHandle(linker.defaultLookup().findOrThrow("munmap"),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
            }
            MMAP = mmap;
            MADVISE = madvise;
            MUNMAP = munmap;
        }

        private static boolean usable() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            String arch = System.getProperty("os.arch", "");
            return Boolean.parseBoolean(System.getProperty("gatun.hugepages", "true"))
                    && os.contains("linux")
                    && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))
                    && HugePages.class.getModule().isNativeAccessEnabled();
        }

        // Maps whole huge pages plus one of slack, 2 MiB-aligned; null if mmap fails.
        static MemorySegment map(Arena arena, long bytes) {
            long length = PackedLayout.roundUpLong(bytes, HUGE);
            long mapped = length + HUGE;
            try {
                MemorySegment raw = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, mapped, PROT_READ_WRITE,
                        MAP_PRIVATE_ANONYMOUS, -1, 0L);
                if (raw.address() == -1L) {
                    return null;
                }
                long base = raw.address();
                MemorySegment owned = raw.reinterpret(mapped, arena, s -> unmap(base, mapped));
                MemorySegment aligned = owned.asSlice(PackedLayout.roundUpLong(base, HUGE) - base, length);
                int advised = (int) MADVISE.invokeExact(aligned, length, MADV_HUGEPAGE);
                if (advised != 0) {
                    LOG.log(Level.DEBUG, "madvise(MADV_HUGEPAGE) failed; packed weights stay on 4 KiB pages");
                }
                return aligned.asSlice(0, bytes);
            } catch (Throwable t) {
                LOG.log(Level.DEBUG, "mmap for packed weights failed, using the arena: " + t);
                return null;
            }
        }

        private static void unmap(long base, long length) {
            try {
                int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(base), length);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "munmap of packed weights failed: " + t);
            }
        }
    }
}
