package dev.gatun.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.bench.report.Scenario.Group;
import dev.gatun.bench.report.Scenario.Peer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScenariosTest {
    private final List<Scenario> all = Scenarios.all();

    @Test
    void idsAreUniqueAndEasyToFilter() {
        Set<String> ids = new HashSet<>();
        for (Scenario s : all) {
            assertTrue(ids.add(s.id()), "duplicate id " + s.id());
            assertTrue(s.id().matches("[a-z0-9-]+"), s.id());
        }
    }

    @Test
    void peersMatchTheGatunRowsThreadCountAndSizes() {
        for (Scenario s : all) {
            for (var call : s.peers()) {
                String threads = s.params().getOrDefault("threads", "1");
                assertEquals(threads, Integer.toString(call.threads()), s.id());
                if (call.peer() != Peer.C_CBLAS) {
                    assertEquals(s.params().get("cell"), call.args().get(0), s.id());
                    assertEquals(s.params().get("hidden"), call.args().get(1), s.id());
                }
            }
        }
    }

    @Test
    void workPerOperationMatchesTheShapes() {
        for (Scenario s : all) {
            switch (s.group()) {
                case STREAMING -> assertEquals(1, s.workPerOp(), s.id());
                case SEQUENCE -> assertEquals(Double.parseDouble(s.params().get("steps")), s.workPerOp(), s.id());
                case BATCHED, TRAINING -> assertEquals(Double.parseDouble(s.params().get("batch"))
                        * Double.parseDouble(s.params().get("steps")), s.workPerOp(), s.id());
                case GEMM -> assertEquals(2 * Math.pow(Double.parseDouble(s.params().get("shape")), 3), s.workPerOp(),
                        s.id());
            }
        }
    }

    @Test
    void issueTargetsAreInPlace() {
        Scenario lstm = byId("streaming-lstm-h256-fp32-t1");
        assertEquals(16.0, lstm.target().value());
        assertEquals(0.0, lstm.target().maxAllocBytesPerOp());
        assertEquals(235_000.0, byId("batched-lstm-h256").target().value());
        assertEquals(45_000.0, byId("training-lstm-h256-b1").target().value());
        assertEquals(Peer.C_CBLAS, byId("gemm-openblas-256").target().relativeTo());
        assertTrue(all.stream().anyMatch(s -> s.group() == Group.SEQUENCE && s.target() == null));
    }

    private Scenario byId(String id) {
        return all.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id));
    }
}
