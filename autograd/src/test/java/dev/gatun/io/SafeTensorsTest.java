package dev.gatun.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsF32AndBf16WithMetadata() throws IOException {
        float[] w = {1.5f, -2.25f, 3.0f, 0.1f, 1e-3f, -7f};
        Path p = dir.resolve("m.safetensors");
        new SafeTensorsWriter().metadata("format", "pt").metadata("arch", "lstm")
                .add("w", w, new int[] {2, 3}, DType.F32)
                .add("b", w, new int[] {6}, DType.BF16)
                .add("empty", new float[0], new int[] {0, 4}, DType.F32)
                .write(p);
        assertEquals(0, (Files.size(p) - 8 - headerLength(p)) % 2);
        try (SafeTensorsFile f = SafeTensorsFile.open(p); Arena arena = Arena.ofConfined()) {
            assertEquals(Map.of("format", "pt", "arch", "lstm"), f.metadata());
            assertEquals(java.util.List.of("w", "b", "empty"), f.names());
            assertArrayEquals(w, f.floats("w"));
            float[] b = f.floats("b");
            for (int i = 0; i < w.length; i++) {
                assertEquals(w[i], b[i], Math.abs(w[i]) / 128, "bf16 keeps 8 bits of mantissa");
                assertEquals(DType.fromBf16(DType.toBf16(w[i])), b[i]);
            }
            Tensor t = f.tensor("w", arena);
            assertArrayEquals(new int[] {2, 3}, t.shape());
            assertEquals(-2.25f, t.get(0, 1));
            assertEquals(0, f.floats("empty").length);
            var e = assertThrows(IllegalArgumentException.class, () -> f.floats("missing"));
            assertTrue(e.getMessage().contains("missing") && e.getMessage().contains("[w, b, empty]"), e.getMessage());
            var e2 = assertThrows(IllegalArgumentException.class, () -> f.readInto("w", Tensor.allocate(arena, 3, 2)));
            assertTrue(e2.getMessage().contains("[2, 3]") && e2.getMessage().contains("[3, 2]"), e2.getMessage());
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, DType.toBf16(1.0f));
        assertEquals((short) 0x3F80, DType.toBf16(Float.intBitsToFloat(0x3F808000)), "tie rounds to even (down)");
        assertEquals((short) 0x3F82, DType.toBf16(Float.intBitsToFloat(0x3F818000)), "tie rounds to even (up)");
        assertEquals((short) 0x3F81, DType.toBf16(Float.intBitsToFloat(0x3F808001)));
        assertTrue(Float.isNaN(DType.fromBf16(DType.toBf16(Float.NaN))));
        assertEquals(Float.POSITIVE_INFINITY, DType.fromBf16(DType.toBf16(Float.POSITIVE_INFINITY)));
    }

    @Test
    void readsF16AndF64WrittenByOthers() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[4,12]}}";
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort(Float.floatToFloat16(0.5f)).putShort(Float.floatToFloat16(-3f)).putDouble(2.5);
        Path p = raw(header, data.array());
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertArrayEquals(new float[] {0.5f, -3f}, f.floats("a"));
            assertArrayEquals(new float[] {2.5f}, f.floats("b"));
        }
    }

    @Test
    void rejectsCorruptFilesWithAClearMessage() throws IOException {
        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        expectBad(raw(ok, new byte[4]), "outside");                             // data section too short
        expectBad(raw(ok, new byte[12]), "cover");                              // bytes left over
        expectBad(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]), "needs 12");
        expectBad(raw("{\"a\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]), "dtype");
        expectBad(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,9]}}", new byte[8]), "outside");
        expectBad(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", new byte[8]), "shape");
        expectBad(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]), "overlaps");
        expectBad(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]), "gap");
        expectBad(raw("{\"a\": [1, 2", new byte[0]), "JSON");
        expectBad(raw("{\"a\":1,\"a\":2}", new byte[0]), "duplicate");
        expectBad(raw("[1]", new byte[0]), "not a JSON object");
        expectBad(raw("{\"__metadata__\":{\"k\":1}}", new byte[0]), "not a string");
        expectBad(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}",
                new byte[8]), "shape");
        // Header length larger than the file, negative, or absurd: rejected before any allocation.
        for (long len : new long[] {1L << 40, -1L, 0L, 50L}) {
            ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(len).putLong(0);
            Path p = dir.resolve("len" + len);
            Files.write(p, b.array());
            expectBad(p, "header length");
        }
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[3]);
        expectBad(tiny, "shorter");
        byte[] badUtf8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        ByteBuffer b = ByteBuffer.allocate(8 + badUtf8.length).order(ByteOrder.LITTLE_ENDIAN).putLong(badUtf8.length)
                .put(badUtf8);
        Path p = dir.resolve("utf8");
        Files.write(p, b.array());
        expectBad(p, "UTF-8");
    }

    @Test
    void readingAfterCloseThrows() throws IOException {
        Path p = dir.resolve("c.safetensors");
        new SafeTensorsWriter().add("x", new float[] {1, 2}, new int[] {2}, DType.F32).write(p);
        SafeTensorsFile f = SafeTensorsFile.open(p);
        f.close();
        assertThrows(IllegalStateException.class, () -> f.floats("x"));
    }

    @Test
    void writeReplacesTheTargetAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        Path p = dir.resolve("ckpt.safetensors");
        new SafeTensorsWriter().add("x", new float[] {1}, new int[] {1}, DType.F32).write(p);
        new SafeTensorsWriter().add("x", new float[] {2}, new int[] {1}, DType.F32).write(p);
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertArrayEquals(new float[] {2}, f.floats("x"));
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
        assertThrows(IllegalArgumentException.class,
                () -> new SafeTensorsWriter().add("x", new float[3], new int[] {2}, DType.F32));
        assertThrows(IllegalArgumentException.class,
                () -> new SafeTensorsWriter().add("x", new float[2], new int[] {2}, DType.I32));
    }

    private void expectBad(Path p, String fragment) {
        var e = assertThrows(IllegalArgumentException.class, () -> SafeTensorsFile.open(p).close(), p.toString());
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }

    private int counter;

    private Path raw(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = dir.resolve("raw" + (counter++) + ".safetensors");
        Files.write(p, b.array());
        return p;
    }

    private static long headerLength(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        return ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
