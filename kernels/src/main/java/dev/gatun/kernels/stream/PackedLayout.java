package dev.gatun.kernels.stream;

import dev.gatun.kernels.CellType;

/**
 * Sizes and byte strides of a packed cell: the one place that knows where each weight lives. Letters: G gates,
 * L lanes (units per block), I input size, H hidden size, R recurrent size (P with a projection, else H).
 *
 * <p>Main panel: the W_ih part (all blocks, k over {@code Kx = even(I)}) then the W_hh part (all blocks, k over
 * {@code Kh = even(R)}); odd sizes get one zero column so bf16 pairs never straddle. In each part, one block of L
 * units after another:
 * <pre>
 *   fp32: float [block][k][gate][lane]          value = W[gate*H + block*L + lane][k]
 *   bf16: int   [block][k/2][j][lane]           half m = gate + G*(k%2) sits in int j = m/2,
 *                                               low 16 bits when m is even, high 16 bits when m is odd
 * </pre>
 * so one int vector widens to two gate vectors with a shift and a mask. Units past H are zero rows. Both formats
 * spend {@code G*L*4} bytes per k (fp32) or per k pair (bf16). The parts are apart, not interleaved per block,
 * because {@code stepProjected} reads only W_hh: interleaved, its half of every block would fall into half of the
 * L2's sets (an LSTM H256 block is 128 KiB, the set period of a 2 MiB 16-way L2). The projection panel of an LSTM
 * with {@code proj_size} is laid out like a W_hh part with G = 1, P units and k over {@code even(H)}.
 *
 * <p>State vector v (per half of the double buffer, floats): {@code [x: Kx][pad][h: Rb]}, h at a multiple of 16
 * floats ({@link #vHOffset}), {@code Rb = ceil(R/L)*L} so full-vector h stores of the last block stay inside; the
 * pads are zero, so odd k columns (zero weights) multiply zeros.
 */
final class PackedLayout {
    final CellType kind;
    final boolean bf16;
    final int lanes;
    final int gates;
    final int inputSize;
    final int hiddenSize;
    final int projSize;
    final int recurrentSize;
    final int xSpan;            // Kx = even(I)
    final int hSpan;            // Kh = even(R)
    final int unitBlocks;       // ceil(H/L)
    final int paddedHidden;     // Hb = unitBlocks*L
    final int outBlocks;        // ceil(R/L): blocks that write h
    final int paddedOut;        // Rb
    final long bytesPerK;       // G*L*4: one k (fp32) or one k pair (bf16)
    final long xBlockBytes;     // one unit block of the W_ih part
    final long hBlockBytes;     // one unit block of the W_hh part
    final long hPartOffset;     // bytes from the main panel's start to its W_hh part
    final int projSpan;         // even(H): k range of the projection panel
    final long projBlockBytes;  // one block of the projection panel (0 without projection)
    final int vHOffset;         // floats from the start of a v half to its h region
    final int vXOffset;         // floats from the start of a v half to its x region
    final int vLength;          // floats per v half (multiple of 16: 64-byte aligned halves)

    PackedLayout(CellType kind, WeightFormat format, int lanes, int inputSize, int hiddenSize, int projSize) {
        this.kind = kind;
        this.bf16 = format == WeightFormat.BF16;
        this.lanes = lanes;
        this.gates = kind.gates();
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.projSize = projSize;
        this.recurrentSize = projSize > 0 ? projSize : hiddenSize;
        this.xSpan = roundUp(inputSize, 2);
        this.hSpan = roundUp(recurrentSize, 2);
        this.unitBlocks = ceilDiv(hiddenSize, lanes);
        this.paddedHidden = unitBlocks * lanes;
        this.outBlocks = ceilDiv(recurrentSize, lanes);
        this.paddedOut = outBlocks * lanes;
        this.bytesPerK = (long) gates * lanes * Float.BYTES;
        int kDiv = bf16 ? 2 : 1;
        this.xBlockBytes = (long) xSpan / kDiv * bytesPerK;
        this.hBlockBytes = (long) hSpan / kDiv * bytesPerK;
        this.hPartOffset = xBlockBytes * unitBlocks;
        this.projSpan = roundUp(hiddenSize, 2);
        this.projBlockBytes = projSize > 0 ? (long) projSpan / kDiv * lanes * Float.BYTES : 0;
        this.vHOffset = roundUp(xSpan, 16);
        this.vXOffset = 0;
        this.vLength = roundUp(vHOffset + paddedOut, 16);
    }

    /** Bytes of the main panel. */
    long mainBytes() {
        return (xBlockBytes + hBlockBytes) * unitBlocks;
    }

    /** Byte offset in the main panel of block {@code b}'s W_ih part. */
    long xBlock(int b) {
        return b * xBlockBytes;
    }

    /** Byte offset in the main panel of block {@code b}'s W_hh part. */
    long hBlock(int b) {
        return hPartOffset + b * hBlockBytes;
    }

    /** Bytes of the projection panel (0 without projection). */
    long projBytes() {
        return projBlockBytes * outBlocks;
    }

    /** Bytes of weights one {@code stepProjected} streams (h range of every block, plus the projection). */
    long recurrentBytes() {
        return hBlockBytes * unitBlocks + projBytes();
    }

    static int roundUp(int n, int m) {
        return ceilDiv(n, m) * m;
    }

    static long roundUpLong(long n, long m) {
        return (n + m - 1) / m * m;
    }

    static int ceilDiv(int n, int m) {
        return (n + m - 1) / m;
    }
}
