package dev.gatun.autograd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.autograd.Ops;
import dev.gatun.autograd.Rng;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The TCN and the attention-gated RNN against double-precision references, gradients by finite differences. */
class SeedNotesBlocksTest {

    @ParameterizedTest(name = "channels {0} K={1}")
    @CsvSource({"'4,4', 2", "'3,5', 3"})
    void tcnMatchesItsDefinition(String channelList, int kernel) {
        int[] channels = java.util.Arrays.stream(channelList.split(",")).mapToInt(Integer::parseInt).toArray();
        int steps = 7;
        int batch = 2;
        int in = 3;
        Rng rng = new Rng(kernel);
        try (Arena arena = Arena.ofConfined(); Tcn tcn = new Tcn(in, channels, kernel, 0f, 5)) {
            Tensor x = RecurrentTest.random(arena, rng, steps, batch, in);
            Tensor w = RecurrentTest.random(arena, rng, steps, batch, channels[channels.length - 1]);
            double[] xd = ModuleGradCheck.toDouble(x.toArray());
            double[] wd = ModuleGradCheck.toDouble(w.toArray());
            ModuleGradCheck.check("tcn", tcn,
                    t -> Ops.sum(t, Ops.mul(t, tcn.forward(t, t.input(x)), t.input(w))),
                    p -> {
                        double[] h = xd;
                        int c = in;
                        for (int l = 0; l < channels.length; l++) {
                            String b = "blocks." + l + ".";
                            int d = 1 << l;
                            double[] y1 = relu(conv(h, c, p.get(b + "conv1.weight"), p.get(b + "conv1.bias"),
                                    channels[l], kernel, d, steps, batch));
                            double[] y2 = relu(conv(y1, channels[l], p.get(b + "conv2.weight"),
                                    p.get(b + "conv2.bias"), channels[l], kernel, d, steps, batch));
                            double[] res = c == channels[l] ? h : conv(h, c, p.get(b + "downsample.weight"),
                                    p.get(b + "downsample.bias"), channels[l], 1, 1, steps, batch);
                            double[] out = new double[y2.length];
                            for (int i = 0; i < out.length; i++) {
                                out[i] = Math.max(0, y2[i] + res[i]);
                            }
                            h = out;
                            c = channels[l];
                        }
                        return dot(h, wd);
                    });
            assertEquals(channels.length == 2 ? 1 + 2 * (kernel - 1) * 3 : 0, tcn.receptiveField());
        }
    }

    @Test
    void tcnParameterNames() {
        try (Tcn tcn = new Tcn(3, new int[] {4, 4}, 2, 0.1f, 1)) {
            assertEquals(List.of("blocks.0.conv1.weight", "blocks.0.conv1.bias", "blocks.0.conv2.weight",
                    "blocks.0.conv2.bias", "blocks.0.downsample.weight", "blocks.0.downsample.bias",
                    "blocks.1.conv1.weight", "blocks.1.conv1.bias", "blocks.1.conv2.weight", "blocks.1.conv2.bias"),
                    List.copyOf(tcn.namedParameters().keySet()));
        }
    }

    @ParameterizedTest(name = "alpha={0} relu={1} shortcut={2} h0={3}")
    @CsvSource({"1, false, 0, false", "2.5, true, 0, true", "0.5, false, 2, true", "1, true, 3, false"})
    void attentionGatedRnnMatchesTheNotesEquations(float alpha, boolean relu, int shortcut, boolean withH0) {
        int steps = 5;
        int batch = 2;
        int in = 3;
        int hidden = 4;
        Rng rng = new Rng(shortcut * 7L + (relu ? 1 : 0));
        try (Arena arena = Arena.ofConfined();
             AttentionGatedRnn cell = new AttentionGatedRnn(in, hidden, alpha, relu, shortcut, 3)) {
            Tensor x = RecurrentTest.random(arena, rng, steps, batch, in);
            Tensor h0 = RecurrentTest.random(arena, rng, batch, hidden);
            Tensor w = RecurrentTest.random(arena, rng, steps, batch, hidden);
            Tensor wLast = RecurrentTest.random(arena, rng, batch, hidden);
            double[] xd = ModuleGradCheck.toDouble(x.toArray());
            double[] h0d = withH0 ? ModuleGradCheck.toDouble(h0.toArray()) : new double[batch * hidden];
            double[] wd = ModuleGradCheck.toDouble(w.toArray());
            double[] wl = ModuleGradCheck.toDouble(wLast.toArray());
            ModuleGradCheck.check("attention", cell, t -> {
                Var out = cell.forward(t, t.input(x), withH0 ? t.input(h0) : null);
                return Ops.add(t, Ops.sum(t, Ops.mul(t, out, t.input(w))),
                        Ops.sum(t, Ops.mul(t, cell.lastState(), t.input(wLast))));
            }, p -> {
                double[][] hs = new double[steps + 1][];
                hs[0] = h0d;
                double loss = 0;
                for (int s = 0; s < steps; s++) {
                    double[] xt = java.util.Arrays.copyOfRange(xd, s * batch * in, (s + 1) * batch * in);
                    double[] a = tanh(add(affine(xt, p.get("weight_xa"), p.get("bias_a"), batch, in, in),
                            affine(hs[s], p.get("weight_ha"), null, batch, hidden, in)));
                    double[] z = new double[batch * in];
                    for (int b = 0; b < batch; b++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < in; j++) {
                            max = Math.max(max, alpha * a[b * in + j]);
                        }
                        double sum = 0;
                        for (int j = 0; j < in; j++) {
                            sum += Math.exp(alpha * a[b * in + j] - max);
                        }
                        for (int j = 0; j < in; j++) {
                            z[b * in + j] = xt[b * in + j] * Math.exp(alpha * a[b * in + j] - max) / sum;
                        }
                    }
                    double[] pre = add(affine(z, p.get("weight_ih"), p.get("bias_ih"), batch, in, hidden),
                            affine(hs[s], p.get("weight_hh"), p.get("bias_hh"), batch, hidden, hidden));
                    if (shortcut > 0 && s + 1 - shortcut >= 0) {
                        pre = add(pre, affine(hs[s + 1 - shortcut], p.get("weight_hk"), null, batch, hidden, hidden));
                    }
                    hs[s + 1] = relu ? relu(pre) : tanh(pre);
                    loss += dot(hs[s + 1], java.util.Arrays.copyOfRange(wd, s * batch * hidden,
                            (s + 1) * batch * hidden));
                }
                return loss + dot(hs[steps], wl);
            });
        }
    }

    @Test
    void attentionGatedRnnRejectsAShortcutOfOne() {
        assertThrows(IllegalArgumentException.class, () -> new AttentionGatedRnn(2, 3, 1f, false, 1, 0));
    }

    // ---- double-precision references ---------------------------------------------------------------------------

    /** Time-major causal dilated conv: x (T, B, cin), w (cout, cin, k). */
    private static double[] conv(double[] x, int cin, double[] w, double[] bias, int cout, int k, int d, int steps,
                                 int batch) {
        double[] y = new double[steps * batch * cout];
        for (int s = 0; s < steps; s++) {
            for (int b = 0; b < batch; b++) {
                for (int o = 0; o < cout; o++) {
                    double acc = bias[o];
                    for (int tap = 0; tap < k; tap++) {
                        int src = s - (k - 1 - tap) * d;
                        for (int c = 0; src >= 0 && c < cin; c++) {
                            acc += w[(o * cin + c) * k + tap] * x[(src * batch + b) * cin + c];
                        }
                    }
                    y[(s * batch + b) * cout + o] = acc;
                }
            }
        }
        return y;
    }

    /** rows (B, in) -> (B, out) = x W^T + b, W (out, in). */
    private static double[] affine(double[] x, double[] w, double[] b, int batch, int in, int out) {
        double[] y = new double[batch * out];
        for (int r = 0; r < batch; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    private static double[] tanh(double[] a) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = Math.tanh(a[i]);
        }
        return c;
    }

    private static double[] relu(double[] a) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = Math.max(0, a[i]);
        }
        return c;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

}
