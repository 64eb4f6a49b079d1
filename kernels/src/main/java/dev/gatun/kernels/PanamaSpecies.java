package dev.gatun.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float species every Panama kernel uses: the preferred one, or a narrower one forced by
 * {@code -Dgatun.vector.bits}. A {@code static final} constant, so the JIT folds it. Load only when
 * {@link Vectorization#enabled()} (or while deciding it).
 */
public final class PanamaSpecies {
    /** The float species of all Panama kernels. */
    public static final VectorSpecies<Float> FLOAT = choose();
    /** Lanes of {@link #FLOAT}. */
    public static final int LANES = FLOAT.length();
    /** The int species of the same shape as {@link #FLOAT} (bit tricks on float lanes). */
    public static final VectorSpecies<Integer> INT = FLOAT.withLanes(int.class);

    private PanamaSpecies() {}

    static int bitSize() {
        return FLOAT.vectorBitSize();
    }

    private static VectorSpecies<Float> choose() {
        String forced = System.getProperty("gatun.vector.bits");
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (forced == null || forced.isBlank()) {
            return preferred;
        }
        int bits = Integer.parseInt(forced.trim());
        if (bits > preferred.vectorBitSize()) {
            return preferred;
        }
        return switch (bits) {
            case 64 -> FloatVector.SPECIES_64;
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException("gatun.vector.bits must be 64, 128, 256 or 512, got " + forced);
        };
    }
}
