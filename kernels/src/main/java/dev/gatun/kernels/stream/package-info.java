/**
 * Batch-1 streaming: one sequence through one recurrent layer, one step per call, state carried between calls, zero
 * allocation per step. The embedded use case (a sensor, a keyboard, a voice activity detector) where PyTorch and
 * oneDNN spend most of a step on dispatch.
 *
 * <pre>{@code
 * try (StreamingCell cell = StreamingCell.lstm(wIh, wHh, bIh, bHh, inputSize, hiddenSize, WeightFormat.FP32);
 *      StreamingStepper s = cell.newStepper()) {
 *     for (float[] x : inputs) {
 *         s.step(x);
 *         s.h(h);            // (hiddenSize,)
 *     }
 * }
 * }</pre>
 *
 * <p>{@link dev.gatun.kernels.stream.StreamingCell} packs PyTorch-layout weights once (fp32 or bf16, see
 * {@code PackedLayout}) so that a step streams them sequentially, output-stationary: each block of L units (the
 * vector lanes) keeps its G gate accumulators in registers while its weights for every k pass once, then the gates
 * of those units are final and the state update needs no other block. h is double buffered, so blocks can be split
 * between two threads with one barrier per step ({@code threads = 2}).
 *
 * <p>Two kinds of step: {@code step(x)} streams {@code [W_ih | W_hh]}; {@code stepProjected(xp)} takes
 * {@code xp = W_ih x + b_ih} precomputed for a whole sequence by one GEMM and streams only W_hh, which halves the
 * weights per step when I = H.
 *
 * <p>Speed is the speed of streaming the weights through the core: 4*H*(I+H) weights per LSTM step, 3*H*(I+H) for
 * GRU, H*(I+H) for RNN, 4 bytes each in fp32, 2 in bf16. What stays in one core's L2 streams at L2 bandwidth, the
 * rest at the core's share of L3 bandwidth, several times lower (measured on a 2 MiB-L2 Xeon: about 130 and 26 GB/s
 * per core). bf16 halves the bytes but costs an integer op per weight vector besides its FMA, so it is port-bound
 * at about one FMA per cycle: it wins when fp32 would not fit the L2. Two threads split the blocks, and so the
 * bytes, over two L2s, for one barrier (about 1 µs) per step; they pay from about 1 MiB of weights on.
 */
package dev.gatun.kernels.stream;
