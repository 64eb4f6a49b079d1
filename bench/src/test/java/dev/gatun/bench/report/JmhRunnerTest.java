package dev.gatun.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The forks get Gatun's flags and the OpenBLAS core type the peers run with. */
class JmhRunnerTest {
    @Test
    void forksGetTheFlagsAndTheCoreTypeOfThePeers() {
        List<String> flags = List.of(JmhRunner.JVM_FLAGS);
        assertTrue(flags.contains("--add-modules=jdk.incubator.vector"), flags.toString());
        assertTrue(flags.contains("--enable-native-access=ALL-UNNAMED"), flags.toString());
        String expected = System.getProperty("gatun.openblas.coretype",
                MachineInfo.cpuHasAvx512() ? "SKYLAKEX" : null);
        assertEquals(expected, JmhRunner.FORK_CORE_TYPE);
        if (expected != null) {
            assertTrue(flags.contains("-Dgatun.openblas.coretype=" + expected), flags.toString());
        }
    }
}
