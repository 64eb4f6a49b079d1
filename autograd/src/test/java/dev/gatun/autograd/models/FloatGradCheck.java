package dev.gatun.autograd.models;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gatun.autograd.Parameter;
import dev.gatun.autograd.Tape;
import dev.gatun.autograd.Var;
import dev.gatun.autograd.nn.Module;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A model's parameter gradients against central differences of its own loss. The model is float, so the step is
 * large ({@value #EPS}) and the tolerance loose; every op inside is already checked in double precision, and this
 * check catches wiring: a missing, doubled or misrouted gradient path through the composition.
 */
final class FloatGradCheck {
    static final float EPS = 4e-3f;

    private FloatGradCheck() {}

    /** Checks up to {@code perParameter} spread-out elements of every parameter. */
    static void check(String name, Module model, BiFunction<Tape, Boolean, Var> loss, int perParameter) {
        try (Tape tape = new Tape()) {
            model.zeroGrad();
            tape.reset();
            tape.backward(loss.apply(tape, true));
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                Tensor value = e.getValue().value();
                Tensor grad = e.getValue().grad();
                assertNotNull(grad, name + ": " + e.getKey() + " has no gradient");
                long n = value.size();
                long stride = Math.max(1, n / perParameter);
                for (long i = 0; i < n; i += stride) {
                    float keep = get(value, i);
                    set(value, i, keep + EPS);
                    double plus = eval(tape, loss);
                    set(value, i, keep - EPS);
                    double minus = eval(tape, loss);
                    set(value, i, keep);
                    double numeric = (plus - minus) / (2 * EPS);
                    double analytic = get(grad, i);
                    if (!(Math.abs(analytic - numeric) <= 3e-3 + 3e-2 * Math.abs(numeric))) {
                        fail(name + ": d/d " + e.getKey() + "[" + i + "] = " + analytic + ", finite differences "
                                + numeric);
                    }
                }
            }
        }
    }

    private static double eval(Tape tape, BiFunction<Tape, Boolean, Var> loss) {
        tape.reset();
        try (var g = tape.noGrad()) {
            return loss.apply(tape, false).value().get(0);
        }
    }

    private static float get(Tensor t, long i) {
        return t.segment().getAtIndex(ValueLayout.JAVA_FLOAT, t.offset() + i);
    }

    private static void set(Tensor t, long i, float v) {
        t.segment().setAtIndex(ValueLayout.JAVA_FLOAT, t.offset() + i, v);
    }
}
