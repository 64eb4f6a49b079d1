package dev.gatun.examples;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.models.SequenceClassifier;
import dev.gatun.autograd.optim.Adam;
import dev.gatun.autograd.optim.GradClip;
import dev.gatun.tensor.Tensor;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The adding problem (Hochreiter and Schmidhuber), the classic long-range dependency: each step carries a value in
 * [0, 1] and a marker; two steps are marked, one in each half of the sequence, and the target is the sum of their
 * two values. Predicting the mean (1) scores an MSE of 1/6 = 0.167; a model that remembers both values across up
 * to T steps scores near 0. With T = 100, the LSTM and the GRU solve it and the vanilla RNN stays at the baseline:
 * its gradient across 50+ steps vanishes (seed 002). The LSTM's forget gates start biased to 1.
 */
public final class AddingProblem implements Example {
    /** Test MSE under which a cell counts as having solved the problem (6% of the baseline). */
    public static final double SOLVED = 0.01;
    /** MSE of always predicting 1, the mean of the target. */
    public static final double BASELINE = 1.0 / 6;

    @Override
    public String name() {
        return "adding";
    }

    @Override
    public String description() {
        return "adding problem at T=100: LSTM and GRU solve it, the vanilla RNN does not (test MSE table)";
    }

    public static void main(String[] args) {
        new AddingProblem().run(Options.parse(args), System.out);
    }

    @Override
    public Map<String, Double> run(Options options, PrintStream out) {
        options.checkKnown(name(), "steps", "batch", "hidden", "iterations", "lr", "cells", "seed");
        int steps = options.intValue("steps", 100, 4);
        int batch = options.intValue("batch", 32, 1);
        int hidden = options.intValue("hidden", 32, 1);
        int iterations = options.intValue("iterations", 2500, 1);
        double lr = options.doubleValue("lr", 0.01);
        List<String> cells = options.listValue("cells", "lstm,gru,rnn", Cells.NAMES);
        long seed = options.seed(1);
        out.printf("Adding problem: T=%d, batch %d, hidden %d, %d Adam steps (lr %.3g), test on 512 sequences%n",
                steps, batch, hidden, iterations, lr);
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String cell : cells) {
            long start = System.nanoTime();
            double mse = train(cell, steps, batch, hidden, iterations, lr, seed, out);
            metrics.put(cell + ".mse", mse);
            out.printf("  %-4s test MSE %.4f  (%.1f s)%n", cell, mse, (System.nanoTime() - start) / 1e9);
        }
        out.printf("%n| cell | test MSE | baseline | solved (MSE < %.2f) |%n|---|---|---|---|%n", SOLVED);
        for (String cell : cells) {
            double mse = metrics.get(cell + ".mse");
            out.printf("| %s | %.4f | %.3f | %s |%n", cell, mse, BASELINE, mse < SOLVED ? "yes" : "no");
        }
        return metrics;
    }

    /** Trains one cell; returns its MSE on a held-out set. */
    static double train(String cell, int steps, int batch, int hidden, int iterations, double lr, long seed,
                        PrintStream out) {
        Rng rng = new Rng(seed);
        try (Arena arena = Arena.ofConfined(); Tape tape = new Tape();
             SequenceClassifier model = new SequenceClassifier(Cells.of(cell), 2, hidden, 1, 1, seed);
             Adam adam = new Adam(model.parameters(), (float) lr)) {
            Cells.rememberByDefault(model, Cells.of(cell), hidden);
            Tensor x = Tensor.allocate(arena, steps, batch, 2);
            Tensor y = Tensor.allocate(arena, batch, 1);
            for (int it = 1; it <= iterations; it++) {
                fill(rng, x, y);
                tape.reset();
                adam.zeroGrad();
                Var loss = Ops.mse(tape, model.forward(tape, tape.input(x), null), tape.input(y));
                tape.backward(loss);
                GradClip.clipGlobalNorm(adam.parameters(), 1.0);
                adam.step();
                if (it % Math.max(1, iterations / 5) == 0) {
                    out.printf("    %s step %d: train MSE %.4f%n", cell, it, loss.value().get(0));
                }
            }
            Rng test = new Rng(seed + 1000);
            int testBatch = 512;
            Tensor tx = Tensor.allocate(arena, steps, testBatch, 2);
            Tensor ty = Tensor.allocate(arena, testBatch, 1);
            fill(test, tx, ty);
            tape.reset();
            try (var g = tape.noGrad()) {
                return Ops.mse(tape, model.forward(tape, tape.input(tx), null), tape.input(ty)).value().get(0);
            }
        }
    }

    /** A batch: x (T, B, 2) of (value, marker), y (B, 1) the sum of the two marked values. */
    static void fill(Rng rng, Tensor x, Tensor y) {
        int steps = x.dim(0);
        int batch = x.dim(1);
        int half = steps / 2;
        for (int b = 0; b < batch; b++) {
            int first = (int) (rng.nextDouble() * half);
            int second = half + (int) (rng.nextDouble() * (steps - half));
            double sum = 0;
            for (int t = 0; t < steps; t++) {
                float v = rng.nextFloat();
                boolean marked = t == first || t == second;
                x.set(t, b, 0, v);
                x.set(t, b, 1, marked ? 1f : 0f);
                sum += marked ? v : 0;
            }
            y.set(b, 0, (float) sum);
        }
    }
}
