package dev.gatun.io;

import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file opened for reading: the header is parsed and validated up front, the data section is
 * memory-mapped and copied out per tensor on request (F32, F16, BF16 and F64 convert to float32).
 *
 * <p>Validation is strict, so a corrupt or hostile file gets an {@link IllegalArgumentException} naming the file,
 * the tensor and the problem, never a crash and never an allocation the file's own size does not bound: the header
 * length must fit the file (and 100 MB), the header must be valid UTF-8 JSON with the expected fields, each tensor's
 * byte range must match its dtype and shape, and the ranges must tile the data section exactly (sorted, no gaps, no
 * overlaps), as the reference implementation requires.
 *
 * <p>Close it to unmap the file; reading after close is an {@link IllegalStateException}.
 */
public final class SafeTensorsFile implements AutoCloseable {
    /** Largest header accepted, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Key of the free-form string metadata in the header. */
    public static final String METADATA_KEY = "__metadata__";

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, TensorEntry> entries;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path path, Arena arena, MemorySegment data, Map<String, TensorEntry> entries,
                            Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and validates {@code path}. */
    public static SafeTensorsFile open(Path path) throws IOException {
        if (path == null) {
            throw new IllegalArgumentException("path is null");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw bad(path, "file is " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
                throw bad(path, "header length " + Long.toUnsignedString(headerLen) + " does not fit the file of "
                        + size + " bytes (limit " + MAX_HEADER_BYTES + ")");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8);
            String header;
            try {
                header = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(headerBuf.flip()).toString();
            } catch (CharacterCodingException e) {
                throw bad(path, "header is not valid UTF-8");
            }
            long dataLen = size - 8 - headerLen;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorEntry> entries = parseHeader(path, header, dataLen, metadata);
            MemorySegment data = dataLen == 0 ? MemorySegment.NULL
                    : ch.map(FileChannel.MapMode.READ_ONLY, 8 + headerLen, dataLen, arena);
            return new SafeTensorsFile(path, arena, data, entries, Collections.unmodifiableMap(metadata));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The header's {@code __metadata__} (string to string), possibly empty. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensor names in file order. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** True when the file holds a tensor of that name. */
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** The entry of {@code name}; an exception listing what the file holds when absent. */
    public TensorEntry entry(String name) {
        TensorEntry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException(path + ": no tensor '" + name + "' (the file holds " + entries.size()
                    + " tensors: " + abbreviate(entries.keySet()) + ")");
        }
        return e;
    }

    /** The tensor's elements as float32, converted from F32, F16, BF16 or F64. */
    public float[] floats(String name) {
        TensorEntry e = entry(name);
        long n = e.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(path + ": tensor '" + name + "' has " + n
                    + " elements, more than a Java array holds; use readInto");
        }
        float[] out = new float[(int) n];
        copyFloats(e, out);
        return out;
    }

    /** A new off-heap tensor of the entry's shape holding its elements as float32. */
    public Tensor tensor(String name, Arena owner) {
        TensorEntry e = entry(name);
        Tensor t = Tensor.allocate(owner, e.shape());
        readInto(name, t);
        return t;
    }

    /** Copies the tensor into {@code dst}, whose shape must equal the entry's. */
    public void readInto(String name, Tensor dst) {
        TensorEntry e = entry(name);
        if (dst == null) {
            throw new IllegalArgumentException(path + ": readInto('" + name + "'): destination tensor is null");
        }
        dst.checkShape(path.getFileName() + ": tensor '" + name + "'", e.shape());
        if (e.dtype() == DType.F32 && dst.isContiguous() && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            checkOpen();
            MemorySegment.copy(data, e.begin(), dst.segment(), dst.offset() * Float.BYTES, e.end() - e.begin());
            return;
        }
        dst.copyFrom(floats(name));
    }

    private void copyFloats(TensorEntry e, float[] out) {
        checkOpen();
        long at = e.begin();
        ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfShort i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfDouble f64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        switch (e.dtype()) {
            case F32 -> MemorySegment.copy(data, f32, at, out, 0, out.length);
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = DType.fromBf16(data.get(i16, at + 2L * i));
                }
            }
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.float16ToFloat(data.get(i16, at + 2L * i));
                }
            }
            case F64 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) data.get(f64, at + 8L * i);
                }
            }
            default -> throw new IllegalArgumentException(path + ": tensor '" + e.name() + "' has dtype " + e.dtype()
                    + ", not a float type (F32, F16, BF16, F64)");
        }
    }

    private void checkOpen() {
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException(path + " was read after close()");
        }
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    private static Map<String, TensorEntry> parseHeader(Path path, String header, long dataLen,
                                                        Map<String, String> metadata) {
        Object root;
        try {
            root = Json.parse(header);
        } catch (IllegalArgumentException e) {
            throw bad(path, "header: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw bad(path, "header is not a JSON object");
        }
        List<TensorEntry> list = new ArrayList<>();
        for (Map.Entry<?, ?> kv : map.entrySet()) {
            String name = (String) kv.getKey();
            if (name.equals(METADATA_KEY)) {
                if (!(kv.getValue() instanceof Map<?, ?> meta)) {
                    throw bad(path, METADATA_KEY + " is not an object");
                }
                for (Map.Entry<?, ?> m : meta.entrySet()) {
                    if (!(m.getValue() instanceof String s)) {
                        throw bad(path, METADATA_KEY + " value of '" + m.getKey() + "' is not a string");
                    }
                    metadata.put((String) m.getKey(), s);
                }
                continue;
            }
            list.add(parseEntry(path, name, kv.getValue(), dataLen));
        }
        // The byte ranges must tile the data section: sorted, contiguous, no overlap, nothing left over.
        List<TensorEntry> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long expected = 0;
        for (TensorEntry e : sorted) {
            if (e.begin() != expected) {
                throw bad(path, "tensor '" + e.name() + "' starts at byte " + e.begin() + ", expected " + expected
                        + (e.begin() < expected ? " (it overlaps the previous tensor)" : " (a gap before it)"));
            }
            expected = e.end();
        }
        if (expected != dataLen) {
            throw bad(path, "tensors cover " + expected + " bytes of a data section of " + dataLen + " bytes");
        }
        Map<String, TensorEntry> entries = new LinkedHashMap<>();
        for (TensorEntry e : list) {
            entries.put(e.name(), e);
        }
        return entries;
    }

    private static TensorEntry parseEntry(Path path, String name, Object value, long dataLen) {
        if (!(value instanceof Map<?, ?> m)) {
            throw bad(path, "tensor '" + name + "': entry is not an object");
        }
        for (Object key : m.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw bad(path, "tensor '" + name + "': unexpected field '" + key + "'");
            }
        }
        if (!(m.get("dtype") instanceof String dtypeName)) {
            throw bad(path, "tensor '" + name + "': missing or non-string dtype");
        }
        DType dtype;
        try {
            dtype = DType.parse(dtypeName, name);
        } catch (IllegalArgumentException e) {
            throw bad(path, e.getMessage());
        }
        if (!(m.get("shape") instanceof List<?> shapeList)) {
            throw bad(path, "tensor '" + name + "': missing or non-array shape");
        }
        int[] shape = new int[shapeList.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw bad(path, "tensor '" + name + "': shape " + shapeList + " must hold integers in [0, 2^31)");
            }
            shape[i] = (int) (long) d;
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException ex) {
                throw bad(path, "tensor '" + name + "': shape " + shapeList + " overflows");
            }
        }
        if (!(m.get("data_offsets") instanceof List<?> off) || off.size() != 2
                || !(off.get(0) instanceof Long begin) || !(off.get(1) instanceof Long end)) {
            throw bad(path, "tensor '" + name + "': data_offsets must be [begin, end] integers");
        }
        if (begin < 0 || end < begin || end > dataLen) {
            throw bad(path, "tensor '" + name + "': data_offsets [" + begin + ", " + end
                    + "] outside the data section of " + dataLen + " bytes");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(elements, (long) dtype.bytes());
        } catch (ArithmeticException ex) {
            throw bad(path, "tensor '" + name + "': byte size overflows");
        }
        if (bytes != end - begin) {
            throw bad(path, "tensor '" + name + "': " + dtype + " shape " + shapeList + " needs " + bytes
                    + " bytes, data_offsets give " + (end - begin));
        }
        return new TensorEntry(name, dtype, shape, begin, end);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        long pos = at;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    private static String abbreviate(java.util.Collection<String> names) {
        List<String> l = new ArrayList<>(names);
        return l.size() <= 10 ? l.toString() : l.subList(0, 10) + "...";
    }

    private static IllegalArgumentException bad(Path path, String what) {
        return new IllegalArgumentException(path + ": invalid safetensors file: " + what);
    }
}
