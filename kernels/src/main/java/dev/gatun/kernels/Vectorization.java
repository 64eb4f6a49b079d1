package dev.gatun.kernels;

import java.lang.System.Logger.Level;

/**
 * Decides once whether Gatun's kernels use the {@code jdk.incubator.vector} API or their scalar twins.
 *
 * <p>The Vector API is used when the incubator module is in the boot layer ({@code --add-modules
 * jdk.incubator.vector}), the JIT is C2 and the preferred vector is at least 128 bits wide. Otherwise every kernel
 * runs its scalar twin and one warning says exactly what to pass. Settings (system properties):
 * <ul>
 *   <li>{@code gatun.vector=false} forces the scalar twins;</li>
 *   <li>{@code gatun.vector.bits=128|256|512} forces a narrower vector width (tests run every code path on any CPU).</li>
 * </ul>
 * Only classes named {@code Panama*} import {@code jdk.incubator.vector}; they are loaded only when
 * {@link #enabled()} is true.
 */
public final class Vectorization {
    private static final System.Logger LOG = System.getLogger("dev.gatun.kernels");

    private Vectorization() {}

    /** True when the Panama kernels are in use. */
    public static boolean enabled() {
        return Holder.ENABLED;
    }

    /** Vector width in bits used by the Panama kernels; 0 when they are off. */
    public static int bitSize() {
        return Holder.BITS;
    }

    /** One line for logs and reports, e.g. {@code "Vector API, 512-bit float vectors"}. */
    public static String describe() {
        return Holder.ENABLED ? "Vector API, " + Holder.BITS + "-bit float vectors" : "scalar (" + Holder.REASON + ")";
    }

    // A holder class so the decision is made once, lazily, without class-loading deadlocks.
    private static final class Holder {
        static final boolean ENABLED;
        static final int BITS;
        static final String REASON;

        static {
            String reason = whyNot();
            int bits = 0;
            if (reason == null) {
                bits = PanamaSpecies.bitSize();
                if (bits < 128) {
                    reason = "preferred vector width is " + bits + " bits";
                }
            }
            ENABLED = reason == null;
            BITS = ENABLED ? bits : 0;
            REASON = reason;
            if (ENABLED) {
                LOG.log(Level.DEBUG, "Gatun kernels: Vector API, {0}-bit float vectors", bits);
            } else {
                LOG.log(Level.WARNING, "Gatun kernels run scalar (slow): " + reason);
            }
        }

        private static String whyNot() {
            if (!Boolean.parseBoolean(System.getProperty("gatun.vector", "true"))) {
                return "disabled by -Dgatun.vector=false";
            }
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                return "the Vector API is not enabled; pass '--add-modules jdk.incubator.vector' to java";
            }
            String vm = System.getProperty("java.vm.name", "");
            if (!vm.contains("Server VM")) {
                return "the JVM '" + vm + "' has no C2 compiler to intrinsify the Vector API";
            }
            java.util.List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
            if (args.contains("-XX:TieredStopAtLevel=1") || args.contains("-Xint")) {
                return "C2 is disabled (" + (args.contains("-Xint") ? "-Xint" : "-XX:TieredStopAtLevel=1") + ")";
            }
            return null;
        }
    }
}
