package dev.gatun.cli.train;

/** One-line checks of option values: an IllegalArgumentException naming the option and the value. */
public final class OptionChecks {
    private OptionChecks() {}

    /** {@code value} in {@code [min, max]}. */
    public static void range(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    /** A finite {@code value > 0}. */
    public static void positive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be a finite number > 0, got " + value);
        }
    }

    /** A finite {@code value >= 0}. */
    public static void nonNegative(String option, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be a finite number >= 0, got " + value);
        }
    }
}
