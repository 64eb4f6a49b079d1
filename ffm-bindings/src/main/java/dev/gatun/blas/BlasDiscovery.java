package dev.gatun.blas;

import dev.gatun.blas.BlasInfo.Source;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which OpenBLAS the {@link Blas} facade uses, once per JVM.
 *
 * <p>Order for {@code -Dgatun.openblas=auto} (the default): the explicit path if {@code -Dgatun.openblas.path} is
 * set (a failure there is final: no silent fall-through to another library), else the system
 * {@code libopenblas.so.0}, else the bundled natives jar, else none (the kernels module's pure-Java GEMM).
 * {@code system}, {@code bundled} and {@code none} force one source. Never throws: failures become a
 * {@link Source#NONE} outcome whose detail lists every source tried and why it failed.
 */
final class BlasDiscovery {

    private BlasDiscovery() {
    }

    static final System.Logger LOG = System.getLogger("dev.gatun.blas");
    static final String FALLBACK = "the kernels module's pure-Java GEMM is used";
    static final String HINT = "install the system OpenBLAS (apt-get install libopenblas0-pthread) or add "
            + BundledOpenBlas.ARTIFACT.replace("<version>", BundledOpenBlas.expectedVersion()) + " to the classpath";

    /**
     * The decision.
     *
     * @param library the loaded library, or {@code null} for none
     * @param info what was chosen and why
     * @param level how loudly to log it
     */
    record Outcome(BlasLibrary library, BlasInfo info, Level level) {

        /** {@return the message for the IllegalStateException thrown by calls when no library is loaded} */
        String unavailableMessage() {
            return "OpenBLAS is not available: " + info.detail();
        }
    }

    static Outcome discoverAndLog(BlasSettings settings) {
        Outcome outcome = discover(settings);
        LOG.log(outcome.level(), outcome.info().toString());
        return outcome;
    }

    static Outcome discover(BlasSettings settings) {
        String mode = settings.normalizedMode();
        if (mode == null) {
            return none(Level.ERROR, "-D" + BlasSettings.MODE + "=" + settings.mode() + " is not one of "
                    + BlasSettings.MODES + "; " + FALLBACK);
        }
        String explicitPath = settings.normalizedExplicitPath();
        List<String> tried = new ArrayList<>();
        if (explicitPath != null && !mode.equals("auto")) {
            tried.add("-D" + BlasSettings.PATH + " ignored because -D" + BlasSettings.MODE + "=" + mode);
        }
        switch (mode) {
            case "none" -> {
                return none(Level.INFO, "disabled by -D" + BlasSettings.MODE + "=none; " + FALLBACK);
            }
            case "system" -> {
                return attempt(Source.SYSTEM, settings, tried)
                        .orElseNone(Level.ERROR, "-D" + BlasSettings.MODE + "=system", tried);
            }
            case "bundled" -> {
                return attempt(Source.BUNDLED, settings, tried)
                        .orElseNone(Level.ERROR, "-D" + BlasSettings.MODE + "=bundled", tried);
            }
            default -> {
                if (explicitPath != null) {
                    return attempt(Source.EXPLICIT_PATH, settings, tried)
                            .orElseNone(Level.ERROR, "-D" + BlasSettings.PATH + " is set, so no other source is tried",
                                    tried);
                }
                Attempt system = attempt(Source.SYSTEM, settings, tried);
                if (system.library != null) {
                    return system.outcome();
                }
                return attempt(Source.BUNDLED, settings, tried).orElseNone(Level.WARNING, HINT, tried);
            }
        }
    }

    private record Attempt(BlasLibrary library) {
        Outcome outcome() {
            CoreType.Decision coreType = CoreType.current();
            boolean slow = coreType != null && coreType.warning();
            return new Outcome(library, library.info(), slow ? Level.WARNING : Level.INFO);
        }

        Outcome orElseNone(Level level, String note, List<String> tried) {
            if (library != null) {
                return outcome();
            }
            return none(level, "tried " + String.join("; ", tried) + "; " + note + "; " + FALLBACK);
        }
    }

    private static Attempt attempt(Source source, BlasSettings settings, List<String> tried) {
        try {
            return new Attempt(BlasLoader.load(source, settings));
        } catch (RuntimeException | LinkageError e) {
            String name = switch (source) {
                case EXPLICIT_PATH -> "explicit path -D" + BlasSettings.PATH + "=" + settings.explicitPath();
                case SYSTEM -> "system";
                case BUNDLED -> "bundled";
                case NONE -> "none";
            };
            tried.add(name + " (" + (e.getMessage() != null ? e.getMessage() : e.toString()) + ")");
            return new Attempt(null);
        }
    }

    private static Outcome none(Level level, String detail) {
        CoreType.Decision coreType = CoreType.current();
        BlasInfo info = new BlasInfo(Source.NONE, "", "", "",
                coreType == null ? "" : coreType.coreType(), coreType != null && coreType.setByGatun(), 0, detail);
        return new Outcome(null, info, level);
    }
}
