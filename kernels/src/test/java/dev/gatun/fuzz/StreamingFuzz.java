package dev.gatun.fuzz;

import dev.gatun.kernels.CellType;
import dev.gatun.kernels.stream.Nonlinearity;
import dev.gatun.kernels.stream.StreamingCell;
import dev.gatun.kernels.stream.StreamingStepper;
import dev.gatun.kernels.stream.WeightFormat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Fuzzes {@link StreamingCell} factories and {@link StreamingStepper}: random cell kind, sizes, projection, format,
 * 1 or 2 threads, array and segment inputs with offsets; spoiled weights, sizes, inputs and outputs; use after
 * close of the stepper and of the cell. FP32 steps are compared with {@link RefRnn} (batch 1), BF16 steps with the
 * reference on bf16-rounded weights.
 */
final class StreamingFuzz {
    private StreamingFuzz() {}

    /** The weights of one random cell, PyTorch layout. */
    record Weights(CellType type, int in, int hidden, int proj, WeightFormat format, float[] wIh, float[] wHh,
                   float[] bIh, float[] bHh, float[] wHr) {
        int gates() {
            return type.gates();
        }

        int out() {
            return proj > 0 ? proj : hidden;
        }

        StreamingCell build() {
            return switch (type) {
                case LSTM -> StreamingCell.lstm(wIh, wHh, bIh, bHh, wHr, in, hidden, proj, format);
                case GRU -> StreamingCell.gru(wIh, wHh, bIh, bHh, in, hidden, format);
                case RNN_TANH -> StreamingCell.rnn(wIh, wHh, bIh, bHh, in, hidden, Nonlinearity.TANH, format);
                default -> StreamingCell.rnn(wIh, wHh, bIh, bHh, in, hidden, Nonlinearity.RELU, format);
            };
        }

        RefRnn reference() {
            return new RefRnn(type, in, hidden, proj, round(wIh), round(wHh), bIh, bHh, round(wHr));
        }

        private float[] round(float[] w) {
            if (w == null || format == WeightFormat.FP32) {
                return w;
            }
            float[] r = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                int bits = Float.floatToRawIntBits(w[i]);
                bits += 0x7fff + ((bits >>> 16) & 1);
                r[i] = Float.intBitsToFloat(bits & 0xffff0000);
            }
            return r;
        }
    }

    private static final CellType[] KINDS = {CellType.LSTM, CellType.GRU, CellType.RNN_TANH, CellType.RNN_RELU};

    static Weights random(Fuzzer f) {
        CellType type = KINDS[f.random().nextInt(KINDS.length)];
        int in = f.between(1, 40);
        int hidden = f.between(1, 40);
        int proj = type == CellType.LSTM && hidden > 1 && f.chance(3) ? f.between(1, hidden - 1) : 0;
        WeightFormat format = f.chance(3) ? WeightFormat.BF16 : WeightFormat.FP32;
        int g = type.gates() * hidden;
        float scale = (float) (1 / Math.sqrt(hidden));
        return new Weights(type, in, hidden, proj, format, scaled(f, g * in, scale),
                scaled(f, g * (proj > 0 ? proj : hidden), scale), f.chance(5) ? null : scaled(f, g, scale),
                f.chance(5) ? null : scaled(f, g, scale), proj > 0 ? scaled(f, proj * hidden, scale) : null);
    }

    private static float[] scaled(Fuzzer f, int n, float s) {
        float[] a = f.values(n, false);
        for (int i = 0; i < n; i++) {
            a[i] *= s;
        }
        return a;
    }

    /** xp = W_ih x + b_ih (G*H floats) for the input at {@code off}: what {@code stepProjected} takes. */
    private static float[] projected(Weights w, float[] xs, int off) {
        int rows = w.gates() * w.hidden();
        float[] xp = new float[rows];
        for (int r = 0; r < rows; r++) {
            double a = w.bIh() == null ? 0 : w.bIh()[r];
            for (int i = 0; i < w.in(); i++) {
                a += (double) w.wIh()[r * w.in() + i] * xs[off + i];
            }
            xp[r] = (float) a;
        }
        return xp;
    }

    static void fuzzFactories(Fuzzer f) {
        Weights w = random(f);
        float[][] arrays = {w.wIh(), w.wHh(), w.bIh(), w.bHh(), w.wHr()};
        int k = f.random().nextInt(arrays.length);
        float[] a = arrays[k];
        arrays[k] = f.chance(3) ? null : new float[a == null ? 3 : Math.max(0, a.length + (f.chance(2) ? 1 : -1))];
        int in = f.chance(4) ? f.badInt() : w.in();
        int hidden = f.chance(4) ? f.badInt() : w.hidden();
        int proj = f.chance(4) ? f.badInt() : w.proj();
        WeightFormat format = f.chance(6) ? null : w.format();
        f.invalid("StreamingCell factory (spoiled " + k + ")", () -> {
            try (StreamingCell c = switch (w.type()) {
                case LSTM -> StreamingCell.lstm(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], in, hidden,
                        proj, format);
                case GRU -> StreamingCell.gru(arrays[0], arrays[1], arrays[2], arrays[3], in, hidden, format);
                default -> StreamingCell.rnn(arrays[0], arrays[1], arrays[2], arrays[3], in, hidden,
                        f.chance(5) ? null : Nonlinearity.TANH, format);
            }) {
                c.packedBytes();
            }
        });
        MemorySegment seg = f.buffer(f.between(0, 64), false);
        f.invalid("StreamingCell.lstm(segments)", () -> StreamingCell.lstm(seg, seg, f.chance(2) ? null : seg, seg,
                f.chance(2) ? null : seg, w.in(), w.hidden(), w.proj(), w.format()).close());
        f.invalid("StreamingCell.gru(closed segments)", () -> {
            MemorySegment dead = Fuzzer.closedSegment(3L * w.hidden() * Math.max(w.in(), w.hidden()));
            StreamingCell.gru(dead, dead, null, null, w.in(), w.hidden(), w.format()).close();
        });
    }

    static void fuzzStepper(Fuzzer f) {
        Weights w = random(f);
        int steps = f.between(1, 6);
        int threads = f.chance(4) ? 2 : 1;
        float[] xs = f.values(steps * w.in(), false);
        double tol = w.format() == WeightFormat.BF16 ? 2e-3 : 2e-5;
        try (StreamingCell cell = w.build(); StreamingStepper st = cell.newStepper(threads)) {
            double[] h = new double[w.out()];
            double[] c = new double[w.hidden()];
            RefRnn ref = w.reference();
            float[] got = new float[w.out()];
            for (int t = 0; t < steps; t++) {
                int t0 = t;
                double[] x = new double[w.in()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = xs[t * w.in() + i];
                }
                int mode = f.random().nextInt(w.format() == WeightFormat.FP32 ? 5 : 3);
                f.valid("step mode " + mode + " of " + cell, () -> {
                    switch (mode) {
                        case 0 -> st.step(xs, t0 * w.in());
                        case 1 -> {
                            MemorySegment s = f.buffer(2 + (long) w.in(), false);
                            MemorySegment.copy(xs, t0 * w.in(), s, ValueLayout.JAVA_FLOAT, 4, w.in());
                            st.step(s, 1);
                        }
                        case 2 -> {
                            MemorySegment hs = f.buffer(w.out(), false);
                            MemorySegment xseg = MemorySegment.ofArray(xs);
                            st.run(xseg, (long) t0 * w.in(), 1, hs, 0);
                        }
                        case 3 -> st.stepProjected(projected(w, xs, t0 * w.in()), 0);
                        default -> {
                            float[] xp = projected(w, xs, t0 * w.in());
                            MemorySegment seg = f.buffer(xp.length + 3L, false);
                            MemorySegment.copy(xp, 0, seg, ValueLayout.JAVA_FLOAT, 12, xp.length);
                            MemorySegment hs = f.buffer(w.out(), false);
                            st.runProjected(seg, 3, 1, hs, 0);
                        }
                    }
                    st.h(got);
                }, () -> {
                    double[] y = ref.forward(1, 1, x, w.in(), false, h, c);
                    Fuzzer.close("h", y, null, got, tol);
                });
            }
            if (w.type() == CellType.LSTM) {
                float[] cs = new float[w.hidden()];
                f.valid("c()", () -> st.c(cs), () -> Fuzzer.close("c", c, null, cs, tol * 4));
            }
            // Spoiled calls: wrong lengths, offsets, nulls, closed and read-only segments, c() on a non-LSTM.
            int bad = f.between(0, 11);
            long off = f.chance(2) ? f.badOffset() : f.between(0, 80);
            int ioff = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, off));
            MemorySegment small = f.buffer(f.between(0, w.in() + 2), false);
            f.invalid("stepper misuse " + bad, () -> {
                switch (bad) {
                    case 0 -> st.step(f.chance(3) ? null : new float[f.between(0, w.in() + 3)], ioff);
                    case 1 -> st.step(f.chance(3) ? Fuzzer.closedSegment(w.in()) : small, off);
                    case 2 -> st.stepProjected(new float[f.between(0, w.gates() * w.hidden() + 3)], ioff);
                    case 3 -> st.stepProjected(small, off);
                    case 4 -> st.run(small, off, f.chance(2) ? -1 : f.between(0, 1 << 20), null, 0);
                    case 5 -> st.runProjected(small, 0, f.between(0, 3), small.asReadOnly(), off);
                    case 6 -> st.h(new float[f.between(0, w.out() + 2)], ioff);
                    case 7 -> st.h(small.asReadOnly(), off);
                    case 8 -> st.setH(new float[w.out() + (f.chance(2) ? 1 : -1)]);
                    case 9 -> {
                        try {
                            st.setC(new float[w.hidden() + 1]);
                        } catch (UnsupportedOperationException documented) {
                            if (w.type() == CellType.LSTM) {
                                throw documented;
                            }
                        }
                    }
                    case 10 -> cell.newStepper(f.chance(2) ? 0 : 3).close();
                    default -> {
                        try {
                            st.c(null);
                        } catch (UnsupportedOperationException documented) {
                            if (w.type() == CellType.LSTM) {
                                throw documented;
                            }
                        }
                    }
                }
            });
            st.reset();
            f.valid("setH/h", () -> {
                float[] h0 = f.values(w.out(), false);
                st.setH(h0);
                float[] back = new float[w.out()];
                st.h(back);
                TensorFuzz.assertEquals(h0, back);
            }, null);
            st.close();
            st.close();
            f.invalid("step after stepper close", () -> {
                st.step(xs);
                throw new AssertionError("no exception");
            });
            StreamingStepper other = cell.newStepper(threads);
            cell.close();
            f.invalid("step after cell close", () -> {
                other.step(xs);
                throw new AssertionError("no exception");
            });
            f.invalid("newStepper after cell close", () -> {
                cell.newStepper();
                throw new AssertionError("no exception");
            });
            other.close();
        }
    }
}
