package dev.gatun.autograd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A module's loss and parameter gradients against a double-precision reference of the same loss: forward value
 * compared, each parameter gradient compared with central differences of the reference ({@code eps = 1e-6}).
 */
final class ModuleGradCheck {
    private ModuleGradCheck() {}

    static void check(String name, Module module, Function<Tape, Var> loss,
                      Function<Map<String, double[]>, Double> reference) {
        Map<String, double[]> params = new LinkedHashMap<>();
        module.namedParameters().forEach((k, p) -> params.put(k, toDouble(p.value().toArray())));
        double expected = reference.apply(params);
        try (Tape tape = new Tape()) {
            module.zeroGrad();
            Var l = loss.apply(tape);
            assertEquals(expected, l.value().get(0), 1e-4 * (1 + Math.abs(expected)), name + ": loss");
            tape.backward(l);
        }
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            float[] analytic = e.getValue().grad().toArray();
            double[] values = params.get(e.getKey());
            for (int i = 0; i < values.length; i++) {
                double keep = values[i];
                values[i] = keep + 1e-6;
                double plus = reference.apply(params);
                values[i] = keep - 1e-6;
                double minus = reference.apply(params);
                values[i] = keep;
                double numeric = (plus - minus) / 2e-6;
                if (!(Math.abs(analytic[i] - numeric) <= 2e-4 + 2e-3 * Math.abs(numeric))) {
                    fail(name + ": d/d " + e.getKey() + "[" + i + "] = " + analytic[i] + ", finite differences "
                            + numeric);
                }
            }
        }
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
