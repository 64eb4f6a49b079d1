package dev.gatun.io;

import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file from float32 data as F32 or BF16 (round to nearest even), with string metadata.
 * The file is written atomically: a temporary file in the same folder, fsync, then a rename over the target, so a
 * crash mid-write leaves the previous file intact.
 */
public final class SafeTensorsWriter {
    private record Item(String name, float[] data, int[] shape, DType dtype) {}

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Item> items = new LinkedHashMap<>();

    /** Adds a {@code __metadata__} entry. */
    public SafeTensorsWriter metadata(String key, String value) {
        if (key == null || value == null) {
            throw new IllegalArgumentException("metadata key and value must not be null");
        }
        metadata.put(key, value);
        return this;
    }

    /** Adds a tensor (its elements are copied now). */
    public SafeTensorsWriter add(String name, Tensor t, DType dtype) {
        if (t == null) {
            throw new IllegalArgumentException("tensor '" + name + "' is null");
        }
        return add(name, t.toArray(), t.shape(), dtype);
    }

    /** Adds a tensor from row-major {@code data} of the given shape (copied now). */
    public SafeTensorsWriter add(String name, float[] data, int[] shape, DType dtype) {
        if (name == null || name.isEmpty() || name.equals(SafeTensorsFile.METADATA_KEY)) {
            throw new IllegalArgumentException("invalid tensor name '" + name + "'");
        }
        if (dtype != DType.F32 && dtype != DType.BF16) {
            throw new IllegalArgumentException("tensor '" + name + "': Gatun writes F32 or BF16, not " + dtype);
        }
        if (data == null || shape == null) {
            throw new IllegalArgumentException("tensor '" + name + "': " + (data == null ? "data" : "shape")
                    + " is null");
        }
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape "
                        + java.util.Arrays.toString(shape));
            }
            // Saturates instead of wrapping (a wrapped product could match data.length); no such shape matches.
            n = s == 0 || n <= Long.MAX_VALUE / s ? n * s : Long.MAX_VALUE;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + java.util.Arrays.toString(shape)
                    + " holds " + n + " elements, data has " + data.length);
        }
        if (items.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        items.put(name, new Item(name, data.clone(), shape.clone(), dtype));
        return this;
    }

    /** Writes the file atomically. */
    public void write(Path target) throws IOException {
        if (target == null) {
            throw new IllegalArgumentException("target path is null");
        }
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(SafeTensorsFile.METADATA_KEY, new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Item it : items.values()) {
            long bytes = (long) it.data.length * it.dtype.bytes();
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("dtype", it.dtype.name());
            List<Object> shape = new ArrayList<>();
            for (int s : it.shape) {
                shape.add((long) s);
            }
            e.put("shape", shape);
            e.put("data_offsets", List.of(offset, offset + bytes));
            header.put(it.name, e);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;            // data starts 8-byte aligned, as the reference writer does
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
                head.putLong(padded).put(json);
                while (head.hasRemaining()) {
                    head.put((byte) ' ');
                }
                writeFully(ch, head.flip());
                ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (Item it : items.values()) {
                    for (float v : it.data) {
                        if (buf.remaining() < 4) {
                            writeFully(ch, buf.flip());
                            buf.clear();
                        }
                        if (it.dtype == DType.F32) {
                            buf.putFloat(v);
                        } else {
                            buf.putShort(DType.toBf16(v));
                        }
                    }
                }
                writeFully(ch, buf.flip());
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Makes the rename durable; not every platform lets a directory be opened, which is fine. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }
}
