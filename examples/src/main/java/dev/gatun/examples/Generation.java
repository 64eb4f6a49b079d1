package dev.gatun.examples;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.models.SequenceGenerator;
import dev.gatun.autograd.optim.Adam;
import dev.gatun.autograd.optim.GradClip;
import dev.gatun.tensor.Tensor;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One-to-many: from a single vector (a one-hot choice of one of three wave shapes, with a phase and an amplitude),
 * a GRU generates the whole wave one step at a time, each output fed back as the next input (gradients flow through
 * the feedback). Reports the MSE of the generated waves against the true ones, relative to their variance.
 */
public final class Generation implements Example {
    static final int SHAPES = 3;

    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String description() {
        return "one-to-many: a GRU generates a wave from one vector, feeding back its own outputs (relative MSE)";
    }

    public static void main(String[] args) {
        new Generation().run(Options.parse(args), System.out);
    }

    @Override
    public Map<String, Double> run(Options options, PrintStream out) {
        options.checkKnown(name(), "steps", "hidden", "iterations", "lr", "cell", "seed");
        int steps = options.intValue("steps", 24, 2);
        int hidden = options.intValue("hidden", 32, 1);
        int iterations = options.intValue("iterations", 600, 1);
        double lr = options.doubleValue("lr", 0.01);
        String cell = options.listValue("cell", "gru", Cells.NAMES).getFirst();
        long seed = options.seed(3);
        int amplitudes = 3;
        int batch = SHAPES * amplitudes;
        out.printf("Wave generation: %d shapes x %d amplitudes, %d steps, %s hidden %d, %d Adam steps%n", SHAPES,
                amplitudes, steps, cell, hidden, iterations);
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape();
             SequenceGenerator model = new SequenceGenerator(Cells.of(cell), SHAPES + 1, hidden, 1, 1, seed);
             Adam adam = new Adam(model.parameters(), (float) lr)) {
            Tensor z = Tensor.allocate(arena, batch, SHAPES + 1);
            Tensor target = Tensor.allocate(arena, steps, batch, 1);
            double mean = 0;
            for (int b = 0; b < batch; b++) {
                int shape = b % SHAPES;
                float amplitude = 0.4f + 0.3f * (b / SHAPES);
                z.set(b, shape, 1f);
                z.set(b, SHAPES, amplitude);
                for (int t = 0; t < steps; t++) {
                    float v = amplitude * wave(shape, t);
                    target.set(t, b, 0, v);
                    mean += v;
                }
            }
            mean /= (double) steps * batch;
            double variance = 0;
            for (int t = 0; t < steps; t++) {
                for (int b = 0; b < batch; b++) {
                    variance += Math.pow(target.get(t, b, 0) - mean, 2);
                }
            }
            variance /= (double) steps * batch;
            double mse = Double.NaN;
            for (int it = 1; it <= iterations; it++) {
                tape.reset();
                adam.zeroGrad();
                Var loss = Ops.mse(tape, model.forward(tape, tape.input(z), steps), tape.input(target));
                tape.backward(loss);
                GradClip.clipGlobalNorm(adam.parameters(), 1.0);
                adam.step();
                mse = loss.value().get(0);
                if (it % Math.max(1, iterations / 5) == 0) {
                    out.printf("  step %d: MSE %.5f%n", it, mse);
                }
            }
            tape.reset();
            Tensor generated;
            try (var g = tape.noGrad()) {
                Var y = model.forward(tape, tape.input(z), steps);
                mse = Ops.mse(tape, y, tape.input(target)).value().get(0);
                generated = y.value();
            }
            out.println("shape 0 (sine), amplitude 1.0: target vs generated");
            int b = 2 * SHAPES;
            for (int t = 0; t < steps; t += Math.max(1, steps / 12)) {
                out.printf("  t=%2d  %+.3f  %+.3f%n", t, target.get(t, b, 0), generated.get(t, b, 0));
            }
            out.printf("generated-wave MSE %.5f, relative to the waves' variance %.4f%n", mse, mse / variance);
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("mse", mse);
            metrics.put("relativeMse", mse / variance);
            return metrics;
        }
    }

    /** Sine, triangle and a slower sine with a harmonic, period 12 steps. */
    static float wave(int shape, int t) {
        double p = 2 * Math.PI * t / 12;
        return (float) switch (shape) {
            case 0 -> Math.sin(p);
            case 1 -> 2 / Math.PI * Math.asin(Math.sin(p));
            default -> 0.7 * Math.sin(p / 2) + 0.3 * Math.sin(1.5 * p);
        };
    }
}
