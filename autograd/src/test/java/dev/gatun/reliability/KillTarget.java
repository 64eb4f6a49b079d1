package dev.gatun.reliability;

import dev.gatun.io.DType;
import dev.gatun.io.SafeTensorsFile;
import dev.gatun.io.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Path;

/** Child JVM of {@link AtomicCheckpointTest}: rewrites one checkpoint forever, each version self-describing. */
public final class KillTarget {
    private static final int N = 1 << 18;

    private KillTarget() {}

    public static void main(String[] args) throws IOException {
        Path p = Path.of(args[0]);
        for (int v = 1; ; v++) {
            write(p, v);
        }
    }

    /** Version v: every element of w and b equals v. */
    static void write(Path p, int v) throws IOException {
        float[] w = new float[N];
        java.util.Arrays.fill(w, v);
        new SafeTensorsWriter().metadata("version", Integer.toString(v))
                .add("w", w, new int[] {N}, DType.F32)
                .add("b", new float[] {v, v}, new int[] {2}, DType.F32)
                .write(p);
    }

    /** Opens the file, checks that it is one complete version and returns the version. */
    static int verify(Path p) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            int v = Integer.parseInt(f.metadata().get("version"));
            for (float x : f.floats("w")) {
                if (x != v) {
                    throw new AssertionError("version " + v + " holds " + x);
                }
            }
            for (float x : f.floats("b")) {
                if (x != v) {
                    throw new AssertionError("version " + v + " holds " + x + " in b");
                }
            }
            return v;
        }
    }
}
