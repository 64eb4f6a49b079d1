package dev.gatun.kernels.stream;

import dev.gatun.kernels.CellType;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.kernels.stream.TestModel.Kind;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The packed layout holds every PyTorch weight where {@link PackedLayout} says, zeros in the padding. */
class WeightPackerTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void everyWeightIsWhereTheLayoutSays(Kind kind) {
        for (WeightFormat format : WeightFormat.values()) {
            for (int lanes : new int[] {4, 8, 16}) {
                TestModel m = TestModel.random(kind, 5, 19, 11);
                TestModel expect = format == WeightFormat.BF16 ? m.bf16Weights() : m;
                CellType ck = switch (kind) {
                    case LSTM, LSTM_PROJ -> CellType.LSTM;
                    case GRU -> CellType.GRU;
                    case RNN_TANH -> CellType.RNN_TANH;
                    case RNN_RELU -> CellType.RNN_RELU;
                };
                PackedLayout l = new PackedLayout(ck, format, lanes, m.in, m.hidden, m.proj);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment w = arena.allocate(l.mainBytes(), 64);
                    WeightPacker.packMain(l, WeightPacker.Floats.of(m.wIh), WeightPacker.Floats.of(m.wHh), w);
                    for (int u = 0; u < l.paddedHidden; u++) {
                        for (int k = 0; k < l.xSpan + l.hSpan; k++) {
                            for (int g = 0; g < l.gates; g++) {
                                float want = 0f;
                                if (u < m.hidden && k < m.in) {
                                    want = expect.wIh[(g * m.hidden + u) * m.in + k];
                                } else if (u < m.hidden && k >= l.xSpan && k - l.xSpan < m.out) {
                                    want = expect.wHh[(g * m.hidden + u) * m.out + k - l.xSpan];
                                }
                                float got = ScalarStreamKernels.weight(l, w, u / lanes, k, g, u % lanes);
                                assertEquals(want, got, kind + " " + format + " L=" + lanes + " u=" + u + " k=" + k
                                        + " g=" + g);
                            }
                        }
                    }
                    if (m.proj > 0) {
                        MemorySegment p = arena.allocate(l.projBytes(), 64);
                        WeightPacker.packProjection(l, WeightPacker.Floats.of(m.wHr), p);
                        for (int u = 0; u < l.paddedOut; u++) {
                            for (int k = 0; k < l.projSpan; k++) {
                                float want = u < m.proj && k < m.hidden ? expect.wHr[u * m.hidden + k] : 0f;
                                assertEquals(want, ScalarStreamKernels.projWeight(l, p, u / lanes, k, u % lanes),
                                        "W_hr u=" + u + " k=" + k);
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0x3F800000, 0x3F80",   // 1.0 exact
        "0x3F808000, 0x3F80",   // tie, even stays
        "0x3F818000, 0x3F82",   // tie, odd rounds up
        "0x3F808001, 0x3F81",   // just above the tie
        "0x3F807FFF, 0x3F80",   // just below the tie
        "0xBF818000, 0xBF82",   // negative tie, magnitude rounds up to even
        "0x7F7FFFFF, 0x7F80",   // max float rounds to +inf
        "0x7F800000, 0x7F80",   // +inf
        "0x00000001, 0x0000",   // smallest subnormal rounds to zero
        "0x7FC00000, 0x7FC0",   // quiet NaN
        "0x7F800001, 0x7FC0",   // signalling NaN becomes quiet, stays NaN
    })
    void bf16RoundsToNearestEven(String in, String out) {
        float x = Float.intBitsToFloat(Integer.parseUnsignedInt(in.substring(2), 16));
        assertEquals(Integer.parseInt(out.substring(2), 16), WeightPacker.bf16Bits(x), in);
    }
}
