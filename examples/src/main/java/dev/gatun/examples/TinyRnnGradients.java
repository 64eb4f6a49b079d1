package dev.gatun.examples;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seed 002's demonstration of vanishing and exploding gradients: a TinyRNN with scalar weights,
 * {@code h_t = relu(wh * h_{t-1} + wx * x_t)}, {@code y_t = wy * h_t}, run over 1 to 10 steps of ones with wx = 0,
 * loss MSE of the last output against itself minus 1. The gradient reaching the initial state is
 * {@code 2 * wh^L}: it vanishes for wh = 0.1 and explodes for wh = 10. Printed as the notes print it (float32,
 * six decimals; the last wh = 10 row is 0 because {@code 1e10 - 1} rounds to {@code 1e10} in float32).
 */
public final class TinyRnnGradients implements Example {
    private static final float[] WH = {0.1f, 1f, 10f};
    private static final int[] LENGTHS = {1, 2, 3, 4, 5, 10};

    @Override
    public String name() {
        return "tinyrnn";
    }

    @Override
    public String description() {
        return "seed 002's TinyRNN: gradients vanish (wh=0.1) or explode (wh=10) with sequence length (table)";
    }

    public static void main(String[] args) {
        new TinyRnnGradients().run(Options.parse(args), System.out);
    }

    @Override
    public Map<String, Double> run(Options options, PrintStream out) {
        options.checkKnown(name());
        Map<String, Double> metrics = new LinkedHashMap<>();
        try (Tape tape = new Tape()) {
            for (float whInit : WH) {
                String wh = whInit == 0.1f ? "0.1" : String.valueOf((int) whInit);
                out.println("wh_init = " + wh);
                for (int length : LENGTHS) {
                    tape.reset();
                    try (Arena arena = Arena.ofConfined()) {
                        Parameter hInit = scalar(arena, "h_init", 1f);
                        Parameter whP = scalar(arena, "wh", whInit);
                        Parameter wy = scalar(arena, "wy", 1f);
                        Var y = forward(tape, hInit, whP, wy, length);
                        Var target = Ops.addScalar(tape, Ops.detach(tape, y), -1f);   // y.detach() - 1
                        tape.backward(Ops.mse(tape, y, target));
                        out.printf("Length=%2d h_init.grad = %s, wh.grad = %s, wy.grad = %s%n", length, f6(hInit),
                                f6(whP), f6(wy));
                        metrics.put("wh" + wh + ".L" + length + ".h_init", (double) hInit.grad().get(0));
                        metrics.put("wh" + wh + ".L" + length + ".wh", (double) whP.grad().get(0));
                        metrics.put("wh" + wh + ".L" + length + ".wy", (double) wy.grad().get(0));
                    }
                }
            }
        }
        return metrics;
    }

    /** The last output y_L for {@code length} inputs of 1 (wx = 0, a constant). */
    private static Var forward(Tape t, Var hInit, Var wh, Var wy, int length) {
        Var wx = t.scalar(0f);
        Var h = hInit;
        Var y = null;
        for (int i = 0; i < length; i++) {
            h = Ops.relu(t, Ops.add(t, Ops.mul(t, wh, h), Ops.mul(t, wx, t.scalar(1f))));
            y = Ops.mul(t, wy, h);
        }
        return y;
    }

    private static Parameter scalar(Arena arena, String name, float value) {
        Parameter p = Parameter.allocate(arena, name, 1);
        p.value().set(0, value);
        return p;
    }

    /** Python's {@code f"{x:6.6f}"}: the exact float rounded half-even to six decimals. */
    private static String f6(Parameter p) {
        return new BigDecimal(p.grad().get(0)).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
    }
}
