package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTest {
    @TempDir
    Path dir;

    @Test
    void vocabularyIsTheSortedCodePointsAndRoundTripsThroughJson() {
        Vocabulary v = Vocabulary.of("baé\n😀a");
        assertEquals(5, v.size());
        assertEquals('\n', v.codePoint(0));
        assertEquals("😀", Character.toString(v.codePoint(4)));
        assertEquals("ab😀", v.decode(v.encode("ab😀")));
        assertEquals(v, Vocabulary.fromJson(v.toJson()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.encode("abc"));
        assertTrue(e.getMessage().contains("'c'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.fromJson("[\"b\", \"a\"]"));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.fromJson("[\"ab\"]"));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(""));
    }

    @Test
    void batchesAreParallelStreamsContinuedChunkByChunk() {
        // 2 streams of L = (21 - 1) / 2 = 10 characters, chunks of 3: 3 chunks per epoch.
        Corpus c = Corpus.of("abc", "abcdefghijklmnopqrstu");
        TbpttBatches b = new TbpttBatches(c, 2, 3);
        assertEquals(3, b.chunksPerEpoch());
        int[] in = new int[6];
        int[] tg = new int[6];
        b.fill(1, in, tg);
        Vocabulary v = c.vocabulary();
        // time-major [t*B + b]: stream 0 reads "def" (predicting "efg"), stream 1 reads "nop" (predicting "opq").
        assertEquals("dneofp", v.decode(in));
        assertEquals("eofpgq", v.decode(tg));
        assertTrue(b.startsEpoch(3));
        b.fill(3, in, tg);
        assertEquals("akblcm", v.decode(in));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TbpttBatches(c, 4, 8));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }

    @Test
    void readTextRejectsNonUtf8() throws Exception {
        Path good = dir.resolve("good.txt");
        Files.writeString(good, "héllo", StandardCharsets.UTF_8);
        assertEquals("héllo", Corpus.readText(good));
        Path bad = dir.resolve("bad.bin");
        Files.write(bad, new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
        assertThrows(java.io.IOException.class, () -> Corpus.readText(bad));
    }
}
