package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GatunCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = GatunCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void envDescribesKernelsBlasAndGemm() {
        assertEquals(0, run("env"));
        String s = out.toString();
        assertTrue(s.contains("Kernels:") && s.contains("BLAS:") && s.contains("GEMM:"), s);
    }

    @Test
    void smokePrintsARowPerProvider() {
        assertEquals(0, run("smoke", "--sizes", "8,17", "--seconds", "0.01"), err.toString());
        String s = out.toString();
        assertTrue(s.contains("pure Java"), s);
        assertTrue(s.contains("OpenBLAS"), s);
        assertTrue(s.contains("17^3"), s);
    }

    @Test
    void badArgumentsGiveOneLineAndAnErrorStatus() {
        assertEquals(2, run("smoke", "--sizes", "0"));
        assertTrue(err.toString().startsWith("gatun: --sizes"), err.toString());
        assertNotEquals(0, run("no-such-command"));
    }

    @Test
    void exampleListsRunsAndRejectsUnknownNames() {
        assertEquals(0, run("example"));
        assertTrue(out.toString().contains("tinyrnn") && out.toString().contains("adding"), out.toString());
        assertEquals(0, run("example", "tinyrnn"), err.toString());
        assertTrue(out.toString().contains("h_init"), out.toString());
        assertEquals(2, run("example", "no-such-example"));
        assertTrue(err.toString().startsWith("gatun: no example 'no-such-example'"), err.toString());
    }
}
