package dev.gatun.fuzz;

import dev.gatun.io.DType;
import dev.gatun.io.SafeTensorsFile;
import dev.gatun.io.SafeTensorsWriter;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the safetensors API (not the bytes: see {@link SafeTensorsFuzzTest}): writer names, shapes, data, dtypes,
 * nulls; reader lookups, destinations of the wrong shape, closed arenas and a closed file. Valid round trips must
 * give the data back (bit-exact for F32, bf16-rounded for BF16).
 */
class IoApiFuzzTest {
    @TempDir
    Path dir;

    private void fuzz(Fuzzer f) {
        Path p = dir.resolve("api.safetensors");
        SafeTensorsWriter w = new SafeTensorsWriter();
        int rank = f.between(0, 3);
        int[] shape = new int[rank];
        int count = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = f.between(0, 4);
            count *= shape[i];
        }
        int n = count;
        float[] data = f.values(n, true);
        DType[] all = DType.values();
        DType dtype = f.chance(4) ? all[f.random().nextInt(all.length)] : (f.chance(2) ? DType.F32 : DType.BF16);
        boolean validType = dtype == DType.F32 || dtype == DType.BF16;
        f.call("add valid", validType, () -> w.add("t", data, shape, dtype), null);
        f.invalid("add bad", () -> w.add(f.chance(3) ? null : f.chance(2) ? "" : "t",
                f.chance(3) ? null : new float[f.between(0, 9)], f.chance(4) ? null
                        : new int[] {f.chance(2) ? -1 : 1 << 21, 1 << 21, 1 << 22}, dtype));
        f.invalid("add null tensor", () -> w.add("u", (Tensor) null, DType.F32));
        f.invalid("metadata null", () -> w.metadata(f.chance(2) ? null : "k", null));
        f.invalid("write null", () -> w.write(null));
        f.valid("write", () -> w.write(p), null);
        f.invalid("open null", () -> SafeTensorsFile.open(null));
        f.invalid("open missing", () -> {
            try {
                SafeTensorsFile.open(dir.resolve("missing.safetensors"));
            } catch (java.io.IOException expected) {
                return; // documented: the file system's exception
            }
        });
        try (SafeTensorsFile file = SafeTensorsFile.open(p); Arena arena = Arena.ofConfined()) {
            if (validType) {
                f.valid("floats", () -> file.floats("t"), () -> {
                    float[] back = file.floats("t");
                    for (int i = 0; i < n; i++) {
                        float want = dtype == DType.F32 ? data[i] : DType.fromBf16(DType.toBf16(data[i]));
                        boolean same = Float.isNaN(want) ? Float.isNaN(back[i])
                                : Float.floatToIntBits(want) == Float.floatToIntBits(back[i]);
                        if (!same) {
                            throw new AssertionError("[" + i + "] " + back[i] + " != " + want);
                        }
                    }
                });
                f.valid("tensor", () -> file.tensor("t", arena), null);
            }
            f.invalid("entry missing", () -> file.entry(f.chance(2) ? null : "nope"));
            f.invalid("tensor null arena", () -> file.tensor("t", null));
            f.invalid("readInto null", () -> file.readInto("t", null));
            f.invalid("readInto wrong shape", () -> file.readInto("t", Tensor.allocate(arena, n + 1)));
            Arena dead = Arena.ofConfined();
            Tensor deadT = Tensor.allocate(dead, shape);
            dead.close();
            f.invalid("readInto closed", () -> file.readInto("t", deadT));
            file.close();
            f.invalid("floats after close", () -> file.floats("t"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void defaultRun() {
        Fuzzer f = new Fuzzer(Fuzzer.seed());
        f.run("io", 100, this::fuzz);
        f.assertClean("safetensors API (default)");
    }

    @Test
    @Tag("long")
    void longRun() {
        Fuzzer f = new Fuzzer(Fuzzer.seed() + 1);
        f.run("io", 4000, this::fuzz);
        f.assertClean("safetensors API (long)");
    }
}
