package dev.gatun.fuzz;

import dev.gatun.kernels.CellType;
import dev.gatun.kernels.cell.CellTwins;
import dev.gatun.kernels.cell.ClassicGruCell;
import dev.gatun.kernels.cell.GruCell;
import dev.gatun.kernels.cell.LstmCell;
import dev.gatun.kernels.cell.RnnCell;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Fuzzes the public cell kernels (LSTM, GRU, RNN tanh/relu, classic GRU; forward and backward): random batch,
 * hidden size, offsets and row strides, sometimes NaN/Inf inputs, sometimes one spoiled argument. Valid calls must
 * match the scalar twin (run on a copy of every buffer) within 2e-5; invalid ones must throw a documented exception.
 */
final class CellFuzz {
    private CellFuzz() {}

    /** One buffer argument: {@code blocks} gate blocks of H per row, or rows with a stride when blocks is 0. */
    record Arg(String name, int blocks) {}

    /** Runs one kernel on the given buffers; {@code twin} selects the scalar twin instead of the facade. */
    interface Kernel {
        void run(boolean twin, int b, int h, MemorySegment[] s, long[] o, int[] ld);
    }

    record Op(String name, List<Arg> args, Kernel kernel) {}

    private static Arg blk(String n, int k) {
        return new Arg(n, k);
    }

    private static Arg rows(String n) {
        return new Arg(n, 0);
    }

    static final List<Op> OPS = List.of(
            new Op("lstmForward", List.of(blk("xp", 4), blk("hp", 4), blk("cPrev", 1), blk("gates", 4),
                    blk("c", 1), rows("h")), (t, b, h, s, o, ld) -> {
                        if (t) {
                            CellTwins.lstmForward(b, h, s[0], o[0], s[1], o[1], s[2], o[2], s[3], o[3], s[4], o[4],
                                    s[5], o[5], ld[5]);
                        } else {
                            LstmCell.forward(b, h, s[0], o[0], s[1], o[1], s[2], o[2], s[3], o[3], s[4], o[4],
                                    s[5], o[5], ld[5]);
                        }
                    }),
            new Op("lstmBackward", List.of(blk("dh", 1), blk("dc", 1), blk("gates", 4), blk("c", 1),
                    blk("cPrev", 1), blk("dPre", 4), blk("dcPrev", 1)), (t, b, h, s, o, ld) -> {
                        if (t) {
                            CellTwins.lstmBackward(b, h, s[0], o[0], s[1], o[1], s[2], o[2], s[3], o[3], s[4], o[4],
                                    s[5], o[5], s[6], o[6]);
                        } else {
                            LstmCell.backward(b, h, s[0], o[0], s[1], o[1], s[2], o[2], s[3], o[3], s[4], o[4],
                                    s[5], o[5], s[6], o[6]);
                        }
                    }),
            new Op("gruForward", List.of(blk("xp", 3), blk("hp", 3), rows("hPrev"), blk("save", 4), rows("h")),
                    (t, b, h, s, o, ld) -> {
                        if (t) {
                            CellTwins.gruForward(b, h, s[0], o[0], s[1], o[1], s[2], o[2], ld[2], s[3], o[3], s[4],
                                    o[4], ld[4]);
                        } else {
                            GruCell.forward(b, h, s[0], o[0], s[1], o[1], s[2], o[2], ld[2], s[3], o[3], s[4], o[4],
                                    ld[4]);
                        }
                    }),
            new Op("gruBackward", List.of(blk("dh", 1), blk("save", 4), rows("hPrev"), blk("dxPre", 3),
                    blk("dhPre", 3), blk("dhPrev", 1)), (t, b, h, s, o, ld) -> {
                        if (t) {
                            CellTwins.gruBackward(b, h, s[0], o[0], s[1], o[1], s[2], o[2], ld[2], s[3], o[3], s[4],
                                    o[4], s[5], o[5]);
                        } else {
                            GruCell.backward(b, h, s[0], o[0], s[1], o[1], s[2], o[2], ld[2], s[3], o[3], s[4], o[4],
                                    s[5], o[5]);
                        }
                    }),
            rnnForward(CellType.RNN_TANH), rnnForward(CellType.RNN_RELU),
            rnnBackward(CellType.RNN_TANH), rnnBackward(CellType.RNN_RELU),
            new Op("classicGruForwardGates", List.of(blk("xp", 3), blk("hp", 3), rows("hPrev"), blk("save", 3),
                    blk("rh", 1)), (t, b, h, s, o, ld) -> {
                        if (t) {
                            CellTwins.classicForwardGates(b, h, s[0], o[0], s[1], o[1], s[2], o[2], ld[2], s[3],
                                    o[3], s[4], o[4]);
                        } else {
                            ClassicGruCell.forwardGates(b, h, s[0], o[0], s[1], o[1], s[2], o[2], ld[2], s[3], o[3],
                                    s[4], o[4]);
                        }
                    }),
            new Op("classicGruForwardCandidate", List.of(blk("xp", 3), blk("hp", 3), rows("hPrev"), blk("save", 3),
                    rows("h")), (t, b, h, s, o, ld) -> {
                        if (t) {
                            CellTwins.classicForwardCandidate(b, h, s[0], o[0], s[1], o[1], s[2], o[2], ld[2], s[3],
                                    o[3], s[4], o[4], ld[4]);
                        } else {
                            ClassicGruCell.forwardCandidate(b, h, s[0], o[0], s[1], o[1], s[2], o[2], ld[2], s[3],
                                    o[3], s[4], o[4], ld[4]);
                        }
                    }),
            new Op("classicGruBackwardCandidate", List.of(blk("dh", 1), blk("save", 3), rows("hPrev"),
                    blk("dPre", 3), blk("dhPrev", 1)), (t, b, h, s, o, ld) -> {
                        if (t) {
                            CellTwins.classicBackwardCandidate(b, h, s[0], o[0], s[1], o[1], s[2], o[2], ld[2], s[3],
                                    o[3], s[4], o[4]);
                        } else {
                            ClassicGruCell.backwardCandidate(b, h, s[0], o[0], s[1], o[1], s[2], o[2], ld[2], s[3],
                                    o[3], s[4], o[4]);
                        }
                    }),
            new Op("classicGruBackwardGates", List.of(blk("drh", 1), blk("save", 3), rows("hPrev"), blk("dPre", 3),
                    blk("dhPrev", 1)), (t, b, h, s, o, ld) -> {
                        if (t) {
                            CellTwins.classicBackwardGates(b, h, s[0], o[0], s[1], o[1], s[2], o[2], ld[2], s[3],
                                    o[3], s[4], o[4]);
                        } else {
                            ClassicGruCell.backwardGates(b, h, s[0], o[0], s[1], o[1], s[2], o[2], ld[2], s[3], o[3],
                                    s[4], o[4]);
                        }
                    }));

    private static Op rnnForward(CellType type) {
        boolean relu = type == CellType.RNN_RELU;
        return new Op("rnnForward/" + type, List.of(blk("xp", 1), blk("hp", 1), rows("h")), (t, b, h, s, o, ld) -> {
            if (t) {
                CellTwins.rnnForward(relu, b, h, s[0], o[0], s[1], o[1], s[2], o[2], ld[2]);
            } else {
                RnnCell.forward(type, b, h, s[0], o[0], s[1], o[1], s[2], o[2], ld[2]);
            }
        });
    }

    private static Op rnnBackward(CellType type) {
        boolean relu = type == CellType.RNN_RELU;
        return new Op("rnnBackward/" + type, List.of(blk("dh", 1), rows("h"), blk("dPre", 1)),
                (t, b, h, s, o, ld) -> {
                    if (t) {
                        CellTwins.rnnBackward(relu, b, h, s[0], o[0], s[1], o[1], ld[1], s[2], o[2]);
                    } else {
                        RnnCell.backward(type, b, h, s[0], o[0], s[1], o[1], ld[1], s[2], o[2]);
                    }
                });
    }

    /** One random call of a random cell kernel. */
    static void fuzzOne(Fuzzer f) {
        Op op = OPS.get(f.random().nextInt(OPS.size()));
        int b = f.size(9);
        int h = f.size(40);
        boolean special = f.chance(4);
        int n = op.args().size();
        MemorySegment[] segs = new MemorySegment[n];
        long[] offs = new long[n];
        int[] lds = new int[n];
        for (int i = 0; i < n; i++) {
            Arg a = op.args().get(i);
            offs[i] = f.between(0, 3);
            lds[i] = h + f.between(0, 3);
            long span = a.blocks() > 0 ? (long) b * a.blocks() * h : (b == 0 ? 0 : (long) (b - 1) * lds[i] + h);
            segs[i] = f.buffer(offs[i] + span + f.between(0, 2), special);
        }
        boolean valid = !f.chance(3);
        int bb = b;
        int hh = h;
        String what = op.name() + "(B=" + b + ", H=" + h + ")";
        if (!valid) {
            int k = f.random().nextInt(n);
            switch (f.random().nextInt(5)) {
                case 0 -> segs[k] = f.spoil(segs[k], false);
                case 1 -> offs[k] = f.badOffset();
                case 2 -> lds[k] = op.args().get(k).blocks() == 0 ? (h > 0 ? h - 1 : -1) : lds[k];
                case 3 -> bb = f.badInt();
                default -> hh = f.badInt();
            }
            if (bb == 0 || hh == 0) {
                bb = -1; // zero sizes are valid; keep the call invalid
            }
            what += " spoiled";
            int b2 = bb;
            int h2 = hh;
            f.invalid(what, () -> op.kernel().run(false, b2, h2, segs, offs, lds));
            return;
        }
        MemorySegment[] twin = new MemorySegment[n];
        for (int i = 0; i < n; i++) {
            twin[i] = MemorySegment.ofArray(Fuzzer.floats(segs[i]));
        }
        f.valid(what, () -> op.kernel().run(false, b, h, segs, offs, lds), () -> {
            op.kernel().run(true, b, h, twin, offs, lds);
            for (int i = 0; i < n; i++) {
                float[] want = Fuzzer.floats(twin[i]);
                double[] ref = new double[want.length];
                for (int j = 0; j < ref.length; j++) {
                    ref[j] = want[j];
                }
                Fuzzer.close(op.args().get(i).name(), ref, null, Fuzzer.floats(segs[i]), 2e-5);
            }
        });
    }
}
