package dev.gatun.reliability;

import dev.gatun.kernels.CellType;
import dev.gatun.kernels.activation.Activations;
import dev.gatun.kernels.stream.StreamingCell;
import dev.gatun.kernels.stream.StreamingStepper;
import dev.gatun.kernels.stream.WeightFormat;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The workloads of {@link DeterminismTest}, each computed cold (first thing in a fresh JVM: interpreted or C1 code)
 * and again after a warm-up that gets the kernels compiled by C2. As a main (a fresh child JVM) it prints one line
 * per workload: {@code name cold=<hash> warm=<hash> differing=<n of m>}.
 */
public final class DeterminismChild {
    private DeterminismChild() {}

    /** Named seeded workloads; each supplier returns all its results as floats. */
    static Map<String, Supplier<float[]>> workloads(Arena arena) {
        Map<String, Supplier<float[]>> w = new LinkedHashMap<>();
        StreamingCell lstm = Workloads.cell("lstm", 24, 64, WeightFormat.FP32, 21);
        StreamingCell proj = Workloads.cell("lstm-proj", 16, 48, WeightFormat.BF16, 22);
        StreamingCell gru = Workloads.cell("gru", 24, 64, WeightFormat.FP32, 23);
        StreamingStepper s1 = lstm.newStepper();
        StreamingStepper s2 = proj.newStepper();
        StreamingStepper s3 = gru.newStepper(2);
        w.put("stream-lstm-fp32", () -> Workloads.stream(s1, 1, 24));
        w.put("stream-lstm-proj-bf16", () -> Workloads.stream(s2, 2, 24));
        w.put("stream-gru-fp32-2threads", () -> Workloads.stream(s3, 3, 24));
        Workloads.Stack lstmNet = new Workloads.Stack(arena, CellType.LSTM, 6, 16, 2, true, 31);
        Workloads.Stack gruNet = new Workloads.Stack(arena, CellType.GRU, 6, 16, 1, false, 32);
        Workloads.Stack.Runner r1 = lstmNet.new Runner(6, 3, true);
        Workloads.Stack.Runner r2 = gruNet.new Runner(6, 3, true);
        w.put("stack-lstm-bi-2layers-fwd-bwd", () -> r1.apply(1));
        w.put("stack-gru-fwd-bwd", () -> r2.apply(2));
        w.put("gemm", () -> Workloads.gemm(arena, 1, 33, 47, 61));
        w.put("gemv", () -> Workloads.gemv(1, 40, 301, 50));
        float[] xs = Workloads.uniform(9, 1024, 12f);
        w.put("activations", () -> {
            float[] t = xs.clone();
            float[] e = xs.clone();
            float[] s = xs.clone();
            Activations.tanhInPlace(t, 0, t.length);
            Activations.expInPlace(e, 0, e.length);
            Activations.sigmoidInPlace(s, 0, s.length);
            return Workloads.concat(Workloads.concat(t, e), s);
        });
        return w;
    }

    /** A 64-bit FNV-1a hash of the raw bits. */
    static String hash(float[] v) {
        long h = 0xcbf29ce484222325L;
        for (float f : v) {
            h = (h ^ Float.floatToRawIntBits(f)) * 0x100000001b3L;
        }
        return Long.toHexString(h) + "/" + v.length;
    }

    static int differing(float[] a, float[] b) {
        int n = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                n++;
            }
        }
        return n + Math.abs(a.length - b.length);
    }

    /** Cold results, then {@code warmup} more runs of each, then warm results; one line per workload. */
    static Map<String, String> run(int warmup) {
        Map<String, String> out = new LinkedHashMap<>();
        try (Arena arena = Arena.ofShared()) {
            Map<String, Supplier<float[]>> w = workloads(arena);
            Map<String, float[]> cold = new LinkedHashMap<>();
            w.forEach((name, s) -> cold.put(name, s.get()));
            for (int i = 0; i < warmup; i++) {
                w.values().forEach(Supplier::get);
            }
            w.forEach((name, s) -> {
                float[] warm = s.get();
                float[] c = cold.get(name);
                out.put(name, "cold=" + hash(c) + " warm=" + hash(warm) + " differing=" + differing(c, warm) + "/"
                        + c.length);
            });
        }
        return out;
    }

    public static void main(String[] args) {
        run(Integer.parseInt(args[0])).forEach((name, line) -> System.out.println(name + " " + line));
    }
}
