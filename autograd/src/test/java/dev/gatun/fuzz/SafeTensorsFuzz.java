package dev.gatun.fuzz;

import dev.gatun.io.DType;
import dev.gatun.io.SafeTensorsFile;
import dev.gatun.io.SafeTensorsWriter;
import dev.gatun.io.TensorEntry;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mutates valid safetensors files (truncation, bit flips, header length, bad or hostile JSON, overlapping and
 * out-of-file offsets, dtype/shape mismatch, duplicate names, non-UTF-8) and opens each one: it must load (and then
 * every tensor reads or is rejected with IllegalArgumentException) or fail with an IOException or
 * IllegalArgumentException whose message names the problem; anything else (another exception, an Error such as
 * OutOfMemoryError or StackOverflowError) is a failure. Also a main for a child JVM with a small heap.
 */
public final class SafeTensorsFuzz {
    private final SplittableRandom random;
    private final Path dir;
    private final List<String> failures = new ArrayList<>();
    private final java.util.Set<String> seen = new java.util.HashSet<>();
    private long files;
    private long rejected;
    private long opened;

    public SafeTensorsFuzz(long seed, Path dir) {
        this.random = new SplittableRandom(seed);
        this.dir = dir;
    }

    public static void main(String[] args) throws IOException {
        SafeTensorsFuzz f = new SafeTensorsFuzz(Long.parseLong(args[0]), Path.of(args[1]));
        f.run(Integer.parseInt(args[2]));
        System.out.println("files=" + f.files + " rejected=" + f.rejected + " opened=" + f.opened + " failures="
                + f.failures.size());
        if (!f.failures.isEmpty()) {
            System.out.println(String.join("\n", f.failures));
            System.exit(1);
        }
    }

    public long files() {
        return files;
    }

    public long rejected() {
        return rejected;
    }

    public List<String> failures() {
        return failures;
    }

    /** Makes {@code count} mutated files and opens each. */
    public void run(int count) throws IOException {
        // A pool of valid files: writing is atomic (fsync), too slow to do per mutation.
        List<byte[]> pool = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            pool.add(validFile());
            Path p = dir.resolve("valid.safetensors");
            files++;
            check("valid #" + i, p);
        }
        for (int i = 0; i < count; i++) {
            byte[] valid = pool.get(random.nextInt(pool.size()));
            int kind = random.nextInt(12);
            byte[] bytes = mutate(valid, kind);
            Path p = dir.resolve("fuzz.safetensors");
            Files.write(p, bytes);
            files++;
            check("mutation " + kind + " #" + i, p);
        }
        Files.deleteIfExists(dir.resolve("fuzz.safetensors"));
    }

    private void check(String what, Path p) {
        try (SafeTensorsFile f = SafeTensorsFile.open(p); Arena arena = Arena.ofConfined()) {
            opened++;
            for (String name : f.names()) {
                TensorEntry e = f.entry(name);
                try {
                    float[] v = f.floats(name);
                    if (v.length != e.elementCount()) {
                        fail(what, "floats('" + name + "') has " + v.length + " values for " + e);
                    }
                    if (e.elementCount() < 1 << 16) {
                        Tensor t = f.tensor(name, arena);
                        if (t.size() != e.elementCount()) {
                            fail(what, "tensor('" + name + "') has " + t.size() + " values for " + e);
                        }
                    }
                } catch (IllegalArgumentException notFloat) {
                    requireMessage(what, notFloat);
                }
            }
            f.metadata().size();
        } catch (IOException | IllegalArgumentException expected) {
            rejected++;
            requireMessage(what, expected);
        } catch (Throwable t) {
            fail(what, "undocumented " + t.getClass().getName() + ": " + t.getMessage());
        }
    }

    private void requireMessage(String what, Exception e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            fail(what, e.getClass().getName() + " without a message");
        }
    }

    private void fail(String what, String message) {
        if (seen.add(message.replaceAll("[0-9]+", "#")) && failures.size() < 50) {
            failures.add(what + ": " + message);
        }
    }

    // ---- valid files --------------------------------------------------------------------------------------------

    private byte[] validFile() throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter();
        if (random.nextBoolean()) {
            w.metadata("format", "pt").metadata("k" + random.nextInt(9), "v\u00e9\u4e2d");
        }
        int n = random.nextInt(1, 5);
        for (int i = 0; i < n; i++) {
            int rank = random.nextInt(0, 4);
            int[] shape = new int[rank];
            int count = 1;
            for (int d = 0; d < rank; d++) {
                shape[d] = random.nextInt(0, 5);
                count *= shape[d];
            }
            float[] data = new float[count];
            for (int j = 0; j < count; j++) {
                data[j] = (float) random.nextGaussian();
            }
            w.add("t" + i + (random.nextInt(4) == 0 ? ".weight_\u00fc" : ""), data, shape,
                    random.nextBoolean() ? DType.F32 : DType.BF16);
        }
        Path p = dir.resolve("valid.safetensors");
        w.write(p);
        return Files.readAllBytes(p);
    }

    // ---- mutations ----------------------------------------------------------------------------------------------

    private byte[] mutate(byte[] valid, int kind) {
        long headerLen = ByteBuffer.wrap(valid, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(valid, 8, (int) headerLen, StandardCharsets.UTF_8);
        byte[] data = java.util.Arrays.copyOfRange(valid, 8 + (int) headerLen, valid.length);
        return switch (kind) {
            case 0 -> java.util.Arrays.copyOf(valid, random.nextInt(valid.length)); // truncation
            case 1 -> flipBits(valid);
            case 2 -> withHeaderLength(valid, new long[] {Long.MAX_VALUE, Long.MIN_VALUE, -1, 0, 1L << 40,
                SafeTensorsFile.MAX_HEADER_BYTES, SafeTensorsFile.MAX_HEADER_BYTES + 1, valid.length - 8,
                valid.length - 7, headerLen + random.nextInt(-8, 9)}[random.nextInt(10)]);
            case 3 -> file(garbageJson(), data);
            case 4 -> file(nested(), data);
            case 5 -> file(editOffsets(header), data);
            case 6 -> file(editShapeOrDtype(header), data);
            case 7 -> file(duplicateName(header), data);
            case 8 -> nonUtf8(valid, headerLen);
            case 9 -> file(header, java.util.Arrays.copyOf(data, Math.max(0, data.length + random.nextInt(-9, 10))));
            case 10 -> file(hugeValues(header), data);
            default -> flipHeaderChars(valid, headerLen);
        };
    }

    private byte[] flipBits(byte[] b) {
        byte[] out = b.clone();
        int flips = random.nextInt(1, 9);
        for (int i = 0; i < flips && out.length > 0; i++) {
            int at = random.nextInt(Math.min(out.length, random.nextBoolean() ? 16 : out.length));
            out[at] ^= (byte) (1 << random.nextInt(8));
        }
        return out;
    }

    private static byte[] withHeaderLength(byte[] b, long len) {
        byte[] out = b.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, len);
        return out;
    }

    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(data);
        return out.array();
    }

    private String garbageJson() {
        String[] pieces = {"{", "}", "[", "]", ":", ",", "\"", "\\", "\"dtype\"", "\"F32\"", "\"shape\"",
            "\"data_offsets\"", "1", "-1", "1e309", "99999999999999999999", "null", "true", "\"__metadata__\"",
            " ", "\u0000", "\"\\u12\"", "\"\\ud800\""};
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(1, 40);
        for (int i = 0; i < n; i++) {
            sb.append(pieces[random.nextInt(pieces.length)]);
        }
        return sb.toString();
    }

    /** Deep nesting: arrays or objects thousands deep (stack exhaustion bait). */
    private String nested() {
        int depth = random.nextInt(2) == 0 ? random.nextInt(60, 70) : random.nextInt(1000, 200_000);
        boolean obj = random.nextBoolean();
        StringBuilder sb = new StringBuilder("{\"a\":");
        for (int i = 0; i < depth; i++) {
            sb.append(obj ? "{\"a\":" : "[");
        }
        sb.append("1");
        for (int i = 0; i < depth; i++) {
            sb.append(obj ? "}" : "]");
        }
        return sb.append("}").toString();
    }

    private String editOffsets(String header) {
        // Replace one number inside a data_offsets array with a bad one.
        int at = header.indexOf("\"data_offsets\":[");
        if (at < 0) {
            return header;
        }
        int open = header.indexOf('[', at);
        int close = header.indexOf(']', open);
        String bad = new String[] {"[0,999999]", "[8,4]", "[-4,0]", "[0,9223372036854775807]",
            "[9223372036854775807,9223372036854775807]", "[0]", "[0,4,8]", "[\"0\",\"4\"]", "[0.5,4]", "[0,0]",
            "[4,8]", "[0,-1]"}[random.nextInt(12)];
        return header.substring(0, open) + bad + header.substring(close + 1);
    }

    private String editShapeOrDtype(String header) {
        if (random.nextBoolean()) {
            String dtype = new String[] {"F16", "F64", "I32", "I64", "U8", "BOOL", "F8_E4M3", "Q4", "", "f32",
                "BF16", "F32"}[random.nextInt(12)];
            return header.replaceFirst("\"dtype\":\"[A-Z0-9_]*\"", "\"dtype\":\"" + dtype + "\"");
        }
        String shape = new String[] {"[-1]", "[2147483648]", "[2147483647,2147483647,2147483647]", "[1.5]",
            "[\"2\"]", "[null]", "[]", "[0]", "[3,3]", "[9223372036854775807]", "[4294967296,4294967296]",
            "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]"}[random.nextInt(12)];
        return header.replaceFirst("\"shape\":\\[[0-9,]*\\]", "\"shape\":" + shape);
    }

    private String duplicateName(String header) {
        int at = header.indexOf("\"t0");
        if (at < 0) {
            return header;
        }
        int end = header.indexOf('}', at);
        String entry = header.substring(at, end + 1);
        int brace = header.lastIndexOf('}');
        return header.substring(0, brace) + "," + entry + header.substring(brace);
    }

    private byte[] nonUtf8(byte[] valid, long headerLen) {
        byte[] out = valid.clone();
        int at = 8 + random.nextInt((int) headerLen);
        out[at] = (byte) new int[] {0xff, 0xc0, 0x80, 0xed, 0xf5}[random.nextInt(5)];
        return out;
    }

    private String hugeValues(String header) {
        String big = "x".repeat(random.nextInt(1, 1 << 16));
        return switch (random.nextInt(4)) {
            case 0 -> header.replaceFirst("\\{", "{\"__metadata__\":{\"k\":\"" + big + "\"},");
            case 1 -> header.replaceFirst("\\{", "{\"__metadata__\":{\"k\":" + random.nextInt(9) + "},");
            case 2 -> header.replaceFirst("\\{", "{\"" + big + "\":{\"dtype\":\"F32\",\"shape\":[0],"
                    + "\"data_offsets\":[0,0]},");
            default -> header.replaceFirst("\"shape\":\\[", "\"shape\":[" + "1,".repeat(random.nextInt(1, 5000)));
        };
    }

    private byte[] flipHeaderChars(byte[] valid, long headerLen) {
        byte[] out = valid.clone();
        int n = random.nextInt(1, 4);
        for (int i = 0; i < n; i++) {
            int at = 8 + random.nextInt((int) headerLen);
            out[at] = (byte) "{}[]:,\"0123456789-ex ".charAt(random.nextInt(21));
        }
        return out;
    }
}
