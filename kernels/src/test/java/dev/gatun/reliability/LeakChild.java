package dev.gatun.reliability;

import dev.gatun.kernels.CellType;
import dev.gatun.kernels.sequence.LayerShape;
import dev.gatun.kernels.sequence.LayerWeights;
import dev.gatun.kernels.sequence.RecurrentPass;
import dev.gatun.kernels.stream.StreamingCell;
import dev.gatun.kernels.stream.StreamingStepper;
import dev.gatun.kernels.stream.WeightFormat;
import dev.gatun.tensor.ScratchArena;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Child JVM of {@link OffHeapLeakTest}, run with {@code -XX:NativeMemoryTracking=summary}: create-use-close cycles of
 * one kind of off-heap owner, with Native Memory Tracking's "Other" category (where {@code Arena} allocations are
 * counted: Unsafe.allocateMemory) and the live thread count read after a warm-up tenth and at the end. Prints
 * {@code kind=<k> cycles=<n> otherBefore=<KB> otherAfter=<KB> otherPeak=<KB> threadsBefore=<n> threadsAfter=<n>}.
 * Kind {@code leak} leaks 1 KB per cycle on purpose: it shows that the measurement sees a leak.
 */
public final class LeakChild {
    private static final Pattern OTHER = Pattern.compile("-\\s+Other \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

    private LeakChild() {}

    /** Arguments: {@code kind:cycles} pairs, run one after the other in this JVM. */
    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            String[] kc = arg.split(":");
            run(kc[0], Long.parseLong(kc[1]));
        }
    }

    private static void run(String kind, long cycles) throws Exception {
        Runnable cycle = cycle(kind);
        long warm = Math.max(1, cycles / 10);
        for (long i = 0; i < warm; i++) {
            cycle.run();
        }
        System.gc();
        long before = otherKb();
        int threadsBefore = Thread.activeCount();
        long peak = before;
        long sampleEvery = Math.max(1, (cycles - warm) / 8);
        for (long i = warm; i < cycles; i++) {
            cycle.run();
            if (i % sampleEvery == 0) {
                peak = Math.max(peak, otherKb());
            }
        }
        System.gc();
        Thread.sleep(100); // stopped stepper workers finish exiting
        long after = otherKb();
        System.out.println("kind=" + kind + " cycles=" + cycles + " otherBefore=" + before + " otherAfter=" + after
                + " otherPeak=" + Math.max(peak, after) + " threadsBefore=" + threadsBefore + " threadsAfter="
                + Thread.activeCount());
    }

    static Runnable cycle(String kind) {
        return switch (kind) {
            case "tensor" -> () -> {
                try (Arena a = Arena.ofConfined()) {
                    Tensor t = Tensor.allocate(a, 64, 33);
                    t.transpose(0, 1).fill(1f);
                }
            };
            case "sharedTensor" -> () -> {
                try (Arena a = Arena.ofShared()) {
                    Tensor.allocate(a, 1000).fill(2f);
                }
            };
            case "scratch" -> () -> {
                try (ScratchArena s = new ScratchArena(1024)) {
                    s.tensor(16, 16);
                    s.tensor(300); // grows: a second block
                    s.reset();     // merges
                    s.tensor(8, 8);
                }
            };
            case "stepper" -> {
                StreamingCell cell = Workloads.cell("lstm", 16, 32, WeightFormat.FP32, 1);
                float[] x = new float[16];
                yield () -> {
                    try (StreamingStepper st = cell.newStepper()) {
                        st.step(x);
                    }
                };
            }
            case "stepper2" -> {
                StreamingCell cell = Workloads.cell("gru", 16, 64, WeightFormat.BF16, 1);
                float[] x = new float[16];
                yield () -> {
                    try (StreamingStepper st = cell.newStepper(2)) {
                        st.step(x);
                    }
                };
            }
            case "cell" -> () -> {
                try (StreamingCell cell = Workloads.cell("lstm-proj", 8, 16, WeightFormat.BF16, 1);
                     StreamingStepper st = cell.newStepper()) {
                    st.step(new float[8]);
                }
            };
            case "pass" -> {
                Arena shared = Arena.ofShared();
                LayerShape shape = new LayerShape(CellType.LSTM, 4, 8, 0);
                LayerWeights w = LayerWeights.allocate(shared, shape);
                MemorySegment x = shared.allocate(4L * 3 * 2 * 4, 64);
                MemorySegment y = shared.allocate(8L * 3 * 2 * 4, 64);
                yield () -> {
                    try (RecurrentPass p = new RecurrentPass(shape, false)) {
                        p.forward(3, 2, x, 0, 4, w, null, 0, null, 0, y, 0, 8, null, 0, null, 0);
                    }
                };
            }
            case "stack" -> {
                Arena shared = Arena.ofShared();
                Workloads.Stack net = new Workloads.Stack(shared, CellType.GRU, 4, 8, 2, true, 5);
                yield () -> {
                    try (Workloads.Stack.Runner r = net.new Runner(3, 2, true)) {
                        r.apply(1);
                    }
                };
            }
            case "leak" -> () -> Arena.global().allocate(1024);
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
    }

    /** NMT's committed KB of category Other: the native memory of Arena allocations. */
    static long otherKb() throws Exception {
        String summary = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
        Matcher m = OTHER.matcher(summary);
        if (!m.find()) {
            throw new IllegalStateException("no Other category in the NMT summary (is -XX:NativeMemoryTracking on?):\n"
                    + summary);
        }
        return Long.parseLong(m.group(2));
    }
}
