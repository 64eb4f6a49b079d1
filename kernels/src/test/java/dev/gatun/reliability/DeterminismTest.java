package dev.gatun.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Bitwise determinism for a fixed seed and thread count: the same computation gives the same bits cold (interpreted
 * or C1) and warm (C2) in one JVM, and in two fresh JVMs. Workloads: streaming LSTM/GRU (fp32, bf16, a 2-thread
 * stepper), stacked recurrent forward+backward, GEMM, GEMV, the in-place activations ({@link DeterminismChild}).
 *
 * <p>Known to fail while the Vector API's lanewise EXP/TANH are used: interpreted they run Math.tanh/Math.exp per
 * lane, compiled they run SVML, which can differ by an ulp; the fix replaces them.
 */
class DeterminismTest {

    @Test
    void coldAndWarmInOneJvmAndAcrossTwoFreshJvms() throws Exception {
        Map<String, String> first = child();
        Map<String, String> second = child();
        List<String> problems = new ArrayList<>();
        for (var e : first.entrySet()) {
            String name = e.getKey();
            String[] a = parse(e.getValue());
            String[] b = parse(second.get(name));
            if (!a[0].equals(a[1])) {
                problems.add(name + ": cold and warm differ in one JVM (" + e.getValue() + ")");
            }
            if (!a[1].equals(b[1]) || !a[0].equals(b[0])) {
                problems.add(name + ": two fresh JVMs differ (" + e.getValue() + " vs " + second.get(name) + ")");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void sameJvmRepeatedRunsAgree() {
        // In this (already warm-ish) JVM: a first run and a run after more warm-up.
        Map<String, String> r = DeterminismChild.run(100);
        List<String> problems = new ArrayList<>();
        r.forEach((name, line) -> {
            String[] h = parse(line);
            if (!h[0].equals(h[1])) {
                problems.add(name + ": " + line);
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** {cold hash, warm hash} of a child's line. */
    private static String[] parse(String line) {
        String cold = null;
        String warm = null;
        for (String kv : line.split(" ")) {
            if (kv.startsWith("cold=")) {
                cold = kv.substring(5);
            } else if (kv.startsWith("warm=")) {
                warm = kv.substring(5);
            }
        }
        return new String[] {cold, warm};
    }

    private static Map<String, String> child() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), DeterminismChild.class.getName(), "600")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "child timed out");
        assertEquals(0, p.exitValue(), out);
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0 && line.contains("cold=")) {
                lines.put(line.substring(0, sp), line.substring(sp + 1));
            }
        }
        assertEquals(8, lines.size(), out);
        System.out.println("[determinism] child:\n" + out.trim());
        return lines;
    }
}
