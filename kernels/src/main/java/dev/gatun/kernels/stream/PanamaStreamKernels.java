package dev.gatun.kernels.stream;

import dev.gatun.kernels.CellType;

import dev.gatun.kernels.PanamaSpecies;
import dev.gatun.kernels.activation.Activations;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API streaming step as a pipeline of small stages: initial accumulators, the k loops of
 * {@link PanamaGateKernels}, then each nonlinearity and state update as its own stage.
 *
 * <p>Why stages: C2 stops inlining once a compile unit reaches about 18,000 IR nodes (NodeCountInliningCutoff, not
 * settable in product JVMs), and Vector API code is expensive at parse time: a kernel's k loop costs about 1,000
 * nodes per fused multiply-add, a polynomial sigmoid or tanh 15,000 to 17,000. Whatever is not inlined is called
 * with boxed vectors: allocation, and a step 10 to 100 times slower. So every stage holds one kernel loop, or one
 * nonlinearity (through {@link Activations}' in-place functions), or a few loads and stores; stages exchange only
 * memory, and the stepper calls them all from one megamorphic call site, which C2 never inlines. Each stage is
 * then its own compile unit whatever the activations cost.
 *
 * <p>Scratch: the blocks [b0, b1) of one thread own floats [b0*L*S, b1*L*S) of {@link StepBuffers#gates} as S slot
 * rows of n = (b1-b0)*L floats, block b at (b-b0)*L inside each row. LSTM slots i, f, o, g, t (the three sigmoid
 * gates adjacent; t = c' then tanh(c')), GRU r, z, xn, hn (xn becomes xn + r*hn, then n), RNN the sum.
 */
final class PanamaStreamKernels implements StreamKernels {
    static final PanamaStreamKernels INSTANCE = new PanamaStreamKernels();

    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    private static final int L = F.length();

    private static final int LSTM_SLOTS = 5;
    private static final int[] LSTM_SLOT = {0, 1, 3, 2};    // PyTorch gate i, f, g, o -> slot
    private static final int LSTM_O = 2;
    private static final int LSTM_G = 3;
    private static final int LSTM_T = 4;
    private static final int GRU_SLOTS = 4;
    private static final int[] GRU_SLOT = {0, 1, 2};        // r, z, n (its x part) -> slot
    private static final int GRU_N = 2;
    private static final int GRU_HN = 3;
    private static final int[] RNN_SLOT = {0};

    private PanamaStreamKernels() {}

    @Override
    public StepStage[] cellStages(PackedLayout l) {
        return switch (l.kind) {
            case LSTM -> new StepStage[] {new GateInit(LSTM_SLOTS, LSTM_SLOT), new LstmGates(),
                new SigmoidStage(LSTM_SLOTS, 0, 3), new TanhStage(LSTM_SLOTS, LSTM_G, false), new LstmCell(),
                new TanhStage(LSTM_SLOTS, LSTM_T, false), new LstmHidden()};
            case GRU -> new StepStage[] {new GateInit(GRU_SLOTS, GRU_SLOT), new GruGates(),
                new SigmoidStage(GRU_SLOTS, 0, 2), new GruCandidate(), new TanhStage(GRU_SLOTS, GRU_N, false),
                new GruHidden()};
            case RNN_TANH -> new StepStage[] {new GateInit(1, RNN_SLOT), new RnnGates(), new TanhStage(1, 0, true)};
            case RNN_RELU -> new StepStage[] {new GateInit(1, RNN_SLOT), new RnnGates(), new ReluOutput()};
            case GRU_CLASSIC -> throw new IllegalStateException("no streaming kernel for the classic GRU");
        };
    }

    @Override
    public StepStage[] projectionStages(PackedLayout l) {
        return l.projSize > 0 ? new StepStage[] {new Projection()} : new StepStage[0];
    }

    @Override
    public int blocksPerPass(PackedLayout l) {
        if (l.gates == 1) {
            return l.bf16 ? 4 : 8;
        }
        return l.bf16 ? 1 : 2;
    }

    // ---- part geometry ----------------------------------------------------------------------------------------

    /** Index of slot 0 of blocks [b0, ...) with S slots. */
    private static int partBase(PackedLayout l, int slots, int blockBegin) {
        return blockBegin * l.lanes * slots;
    }

    // ---- stages shared by the cells --------------------------------------------------------------------------

    /** Initial accumulators: initA + b_hh per gate; GRU: xn = initA's n row (b_in or xp_n), hn = b_hh's n row. */
    private record GateInit(int slots, int[] slotOf) implements StepStage {
        @Override
        public void run(StepBuffers s, int blockBegin, int blockEnd) {
            PackedLayout l = s.layout;
            float[] a = s.initA();
            float[] b = s.biasHh;
            int gateRow = l.paddedHidden;
            int base = partBase(l, slots, blockBegin);
            int row = (blockEnd - blockBegin) * L;
            boolean gru = l.kind == CellType.GRU;
            for (int blk = blockBegin; blk < blockEnd; blk++) {
                int src = blk * L;
                int dst = base + (blk - blockBegin) * L;
                for (int g = 0; g < l.gates; g++) {
                    int at = src + g * gateRow;
                    FloatVector init = FloatVector.fromArray(F, a, at);
                    if (!gru || g != 2) {
                        init = init.add(FloatVector.fromArray(F, b, at));
                    }
                    init.intoArray(s.gates, dst + slotOf[g] * row);
                }
                if (gru) {
                    FloatVector.fromArray(F, b, src + 2 * gateRow).intoArray(s.gates, dst + GRU_HN * row);
                }
            }
        }
    }

    /** sigmoid in place on slots [first, first + count). */
    private record SigmoidStage(int slots, int first, int count) implements StepStage {
        @Override
        public void run(StepBuffers s, int blockBegin, int blockEnd) {
            int n = (blockEnd - blockBegin) * L;
            Activations.sigmoidInPlace(s.gates, partBase(s.layout, slots, blockBegin) + first * n, count * n);
        }
    }

    /** tanh in place on one slot, or on this range's h in the output half of v. */
    private record TanhStage(int slots, int slot, boolean onOutput) implements StepStage {
        @Override
        public void run(StepBuffers s, int blockBegin, int blockEnd) {
            int n = (blockEnd - blockBegin) * L;
            if (onOutput) {
                Activations.tanhInPlace(s.v, s.hOut() + blockBegin * L, n);
            } else {
                Activations.tanhInPlace(s.gates, partBase(s.layout, slots, blockBegin) + slot * n, n);
            }
        }
    }

    /** relu in place on this range's h in the output half of v. */
    private record ReluOutput() implements StepStage {
        @Override
        public void run(StepBuffers s, int blockBegin, int blockEnd) {
            Activations.reluInPlace(s.v, s.hOut() + blockBegin * L, (blockEnd - blockBegin) * L);
        }
    }

    // ---- LSTM: c' = f*c + i*g; h = o*tanh(c') -----------------------------------------------------------------

    private record LstmGates() implements StepStage {
        @Override
        public void run(StepBuffers s, int blockBegin, int blockEnd) {
            PackedLayout l = s.layout;
            MemorySegment w = s.weights;
            int base = partBase(l, LSTM_SLOTS, blockBegin);
            int row = (blockEnd - blockBegin) * L;
            int kx = s.projected ? 0 : l.xSpan;
            int n = blockEnd - blockBegin;
            int width = l.bf16 ? 1 : 2;
            int passes = passes(n, width, 1);
            for (int i = 0; i < passes; i++) {
                int p = s.reversed() ? passes - 1 - i : i;
                int b = blockBegin + passStart(p, n, width, 1);
                int ga = base + (b - blockBegin) * L;
                if (l.bf16) {
                    PanamaGateKernels.lstm1Bf16(w, l.xBlock(b), l.hBlock(b), s.v, s.xIn(), kx, s.hIn(), l.hSpan,
                            s.gates, ga, row);
                } else if (passWidth(p, n, width, 1) == 2) {
                    PanamaGateKernels.lstm2F32(w, l.xBlock(b), l.xBlockBytes, l.hBlock(b), l.hBlockBytes, s.v,
                            s.xIn(), kx, s.hIn(), l.hSpan, s.gates, ga, row);
                } else {
                    PanamaGateKernels.lstm1F32(w, l.xBlock(b), l.hBlock(b), s.v, s.xIn(), kx, s.hIn(), l.hSpan,
                            s.gates, ga, row);
                }
            }
        }
    }

    /** c' = f*c + i*g into c, and into slot t for its tanh. */
    private record LstmCell() implements StepStage {
        @Override
        public void run(StepBuffers s, int blockBegin, int blockEnd) {
            int base = partBase(s.layout, LSTM_SLOTS, blockBegin);
            int row = (blockEnd - blockBegin) * L;
            float[] g = s.gates;
            for (int blk = blockBegin; blk < blockEnd; blk++) {
                int o = base + (blk - blockBegin) * L;
                FloatVector ig = FloatVector.fromArray(F, g, o);
                FloatVector gg = FloatVector.fromArray(F, g, o + LSTM_G * row);
                FloatVector fc = FloatVector.fromArray(F, g, o + row).mul(FloatVector.fromArray(F, s.c, blk * L));
                FloatVector c = ig.fma(gg, fc);
                c.intoArray(s.c, blk * L);
                c.intoArray(g, o + LSTM_T * row);
            }
        }
    }

    /** h = o * tanh(c'), into v's output half, or hFull when a projection follows. */
    private record LstmHidden() implements StepStage {
        @Override
        public void run(StepBuffers s, int blockBegin, int blockEnd) {
            PackedLayout l = s.layout;
            int base = partBase(l, LSTM_SLOTS, blockBegin);
            int row = (blockEnd - blockBegin) * L;
            float[] out = l.projSize > 0 ? s.hFull : s.v;
            int outBase = l.projSize > 0 ? 0 : s.hOut();
            for (int blk = blockBegin; blk < blockEnd; blk++) {
                int o = base + (blk - blockBegin) * L;
                FloatVector og = FloatVector.fromArray(F, s.gates, o + LSTM_O * row);
                og.mul(FloatVector.fromArray(F, s.gates, o + LSTM_T * row)).intoArray(out, outBase + blk * L);
            }
        }
    }

    // ---- GRU: n = tanh(xn + r*hn); h' = (1-z)*n + z*h, computed as n + z*(h - n) --------------------------

    private record GruGates() implements StepStage {
        @Override
        public void run(StepBuffers s, int blockBegin, int blockEnd) {
            PackedLayout l = s.layout;
            MemorySegment w = s.weights;
            int base = partBase(l, GRU_SLOTS, blockBegin);
            int row = (blockEnd - blockBegin) * L;
            int kx = s.projected ? 0 : l.xSpan;
            int n = blockEnd - blockBegin;
            int width = l.bf16 ? 1 : 2;
            int passes = passes(n, width, 1);
            for (int i = 0; i < passes; i++) {
                int p = s.reversed() ? passes - 1 - i : i;
                int b = blockBegin + passStart(p, n, width, 1);
                int ga = base + (b - blockBegin) * L;
                if (l.bf16) {
                    PanamaGateKernels.gru1Bf16(w, l.xBlock(b), l.hBlock(b), s.v, s.xIn(), kx, s.hIn(), l.hSpan,
                            s.gates, ga, row);
                } else if (passWidth(p, n, width, 1) == 2) {
                    PanamaGateKernels.gru2F32(w, l.xBlock(b), l.xBlockBytes, l.hBlock(b), l.hBlockBytes, s.v,
                            s.xIn(), kx, s.hIn(), l.hSpan, s.gates, ga, row);
                } else {
                    PanamaGateKernels.gru1F32(w, l.xBlock(b), l.hBlock(b), s.v, s.xIn(), kx, s.hIn(), l.hSpan,
                            s.gates, ga, row);
                }
            }
        }
    }

    /** Slot xn becomes xn + r*hn, the argument of n's tanh. */
    private record GruCandidate() implements StepStage {
        @Override
        public void run(StepBuffers s, int blockBegin, int blockEnd) {
            int base = partBase(s.layout, GRU_SLOTS, blockBegin);
            int row = (blockEnd - blockBegin) * L;
            float[] g = s.gates;
            for (int blk = blockBegin; blk < blockEnd; blk++) {
                int o = base + (blk - blockBegin) * L;
                FloatVector r = FloatVector.fromArray(F, g, o);
                FloatVector hn = FloatVector.fromArray(F, g, o + GRU_HN * row);
                r.fma(hn, FloatVector.fromArray(F, g, o + GRU_N * row)).intoArray(g, o + GRU_N * row);
            }
        }
    }

    /** h' = n + z*(h - n) into v's output half. */
    private record GruHidden() implements StepStage {
        @Override
        public void run(StepBuffers s, int blockBegin, int blockEnd) {
            int base = partBase(s.layout, GRU_SLOTS, blockBegin);
            int row = (blockEnd - blockBegin) * L;
            int hIn = s.hIn();
            int hOut = s.hOut();
            float[] g = s.gates;
            for (int blk = blockBegin; blk < blockEnd; blk++) {
                int o = base + (blk - blockBegin) * L;
                FloatVector z = FloatVector.fromArray(F, g, o + row);
                FloatVector n = FloatVector.fromArray(F, g, o + GRU_N * row);
                FloatVector h = FloatVector.fromArray(F, s.v, hIn + blk * L);
                z.fma(h.sub(n), n).intoArray(s.v, hOut + blk * L);
            }
        }
    }

    // ---- one gate: RNN sums straight into v's output half; the LSTM projection likewise, from hFull -----------

    private record RnnGates() implements StepStage {
        @Override
        public void run(StepBuffers s, int blockBegin, int blockEnd) {
            PackedLayout l = s.layout;
            oneGateBlocks(l.bf16, s.weights, l.xBlock(blockBegin), l.xBlockBytes, l.hBlock(blockBegin),
                    l.hBlockBytes, s.v, s.xIn(), s.projected ? 0 : l.xSpan, s.hIn(), l.hSpan, s.gates,
                    blockBegin * L, s.v, s.hOut() + blockBegin * L, blockEnd - blockBegin, s.reversed());
        }
    }

    private record Projection() implements StepStage {
        @Override
        public void run(StepBuffers s, int blockBegin, int blockEnd) {
            PackedLayout l = s.layout;
            oneGateBlocks(l.bf16, s.projWeights, 0, 0, blockBegin * l.projBlockBytes, l.projBlockBytes, s.hFull, 0,
                    0, 0, l.projSpan, s.zeros, blockBegin * L, s.v, s.hOut() + blockBegin * L,
                    blockEnd - blockBegin, s.reversed());
        }
    }

    // `blocks` consecutive blocks: the first at xa / ha in the W_ih / W_hh parts (xs, hs bytes apart), v's x and h
    // at vx (kx values) and vh (kh values); sums start from init at ia and go to out at oa, one vector per block;
    // fp32 in passes of eight blocks, then one of four, then single ones; bf16 (two sums per block already) in
    // passes of four, then single ones; last to first when `reversed`.
    private static void oneGateBlocks(boolean bf16, MemorySegment w, long xa, long xs, long ha, long hs, float[] v,
            int vx, int kx, int vh, int kh, float[] init, int ia, float[] out, int oa, int blocks, boolean reversed) {
        int big = bf16 ? 4 : 8;
        int mid = bf16 ? 1 : 4;
        int passes = passes(blocks, big, mid);
        for (int i = 0; i < passes; i++) {
            int p = reversed ? passes - 1 - i : i;
            int j = passStart(p, blocks, big, mid);
            int width = passWidth(p, blocks, big, mid);
            long x = xa + j * xs, h = ha + j * hs;
            int in = ia + j * L, o = oa + j * L;
            if (width == 8) {
                PanamaGateKernels.oneGate8F32(w, x, xs, h, hs, v, vx, kx, vh, kh, init, in, out, o);
            } else if (width == 4 && bf16) {
                PanamaGateKernels.oneGate4Bf16(w, x, xs, h, hs, v, vx, kx, vh, kh, init, in, out, o);
            } else if (width == 4) {
                PanamaGateKernels.oneGate4F32(w, x, xs, h, hs, v, vx, kx, vh, kh, init, in, out, o);
            } else if (bf16) {
                PanamaGateKernels.oneGate1Bf16(w, x, h, v, vx, kx, vh, kh, init, in, out, o);
            } else {
                PanamaGateKernels.oneGate1F32(w, x, h, v, vx, kx, vh, kh, init, in, out, o);
            }
        }
    }

    // ---- passes over `blocks` blocks: as many of `big` blocks as fit, then at most one of `mid` (1: none), then
    // single blocks. Pass p's first block and width are computed, not stored: nothing to allocate per step. ------

    static int passes(int blocks, int big, int mid) {
        int rest = blocks % big;
        int mids = mid > 1 && rest >= mid ? 1 : 0;
        return blocks / big + mids + rest - mids * mid;
    }

    /** First block of pass p, relative to the first block of the range. */
    static int passStart(int p, int blocks, int big, int mid) {
        int full = blocks / big;
        int mids = mid > 1 && blocks % big >= mid ? 1 : 0;
        if (p < full + mids) {
            return p * big;
        }
        return full * big + mids * mid + (p - full - mids);
    }

    /** Blocks in pass p. */
    static int passWidth(int p, int blocks, int big, int mid) {
        int full = blocks / big;
        int mids = mid > 1 && blocks % big >= mid ? 1 : 0;
        return p < full ? big : p < full + mids ? mid : 1;
    }
}
