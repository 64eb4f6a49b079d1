package dev.gatun.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * No off-heap growth over create-use-close cycles of every owner of native memory (tensors in confined and shared
 * arenas, scratch arenas, streaming cells and 1- and 2-thread steppers, recurrent passes and stacks), measured by
 * Native Memory Tracking in a child JVM ({@link LeakChild}); and no leaked worker threads. Default: 2 x 10^4 cycles
 * of each (10^3 for the thread-spawning stepper); {@code -Plong}: 10^6 (10^5 for the thread-spawning and
 * packing-heavy kinds).
 */
class OffHeapLeakTest {
    /** NMT counts outstanding malloc'ed bytes exactly; allow a little for JDK-internal use of the same category. */
    private static final long SLACK_KB = 256;

    @Test
    void noGrowthDefault() throws Exception {
        Map<String, Map<String, Long>> r = run("tensor:10000", "sharedTensor:10000", "scratch:10000",
                "stepper:10000", "cell:1000", "pass:2000", "stack:1000", "stepper2:200");
        r.forEach(OffHeapLeakTest::assertNoGrowth);
    }

    @Test
    void theMeasurementSeesALeak() throws Exception {
        Map<String, Long> v = run("leak:2000").get("leak");
        long growth = v.get("otherAfter") - v.get("otherBefore");
        assertTrue(growth >= 1500, "1 KB x 1800 cycles leaked, NMT saw " + growth + " KB");
    }

    @Test
    @Tag("long")
    void noGrowthMillionCycles() throws Exception {
        Map<String, Map<String, Long>> r = run("tensor:1000000", "sharedTensor:1000000", "scratch:1000000",
                "stepper:1000000", "cell:100000", "pass:200000", "stack:100000", "stepper2:50000");
        r.forEach(OffHeapLeakTest::assertNoGrowth);
    }

    private static void assertNoGrowth(String kind, Map<String, Long> v) {
        long growth = v.get("otherAfter") - v.get("otherBefore");
        assertTrue(growth <= SLACK_KB, kind + ": native memory grew by " + growth + " KB over " + v.get("cycles")
                + " cycles: " + v);
        assertTrue(v.get("threadsAfter") <= v.get("threadsBefore"), kind + ": threads leaked: " + v);
    }

    /** Runs the cycles in one child JVM with Native Memory Tracking; the parsed line of each kind. */
    private static Map<String, Map<String, Long>> run(String... kinds) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:NativeMemoryTracking=summary", "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                LeakChild.class.getName()));
        cmd.addAll(List.of(kinds));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.MINUTES), "child timed out");
        assertEquals(0, p.exitValue(), out);
        Map<String, Map<String, Long>> all = new java.util.LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("kind=")) {
                Map<String, Long> v = new HashMap<>();
                String kind = null;
                for (String kv : line.split(" ")) {
                    String[] parts = kv.split("=");
                    if (parts[0].equals("kind")) {
                        kind = parts[1];
                    } else {
                        v.put(parts[0], Long.parseLong(parts[1]));
                    }
                }
                all.put(kind, v);
                System.out.println("[leak] " + line);
            }
        }
        assertEquals(kinds.length, all.size(), out);
        return all;
    }
}
