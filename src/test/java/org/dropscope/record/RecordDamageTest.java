// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.junit.jupiter.api.Test;

class RecordDamageTest {
    /** The file of {@link RecordFixtures#small}: its header and where each block ends. */
    private static final byte[] FILE = RecordFixtures.small(5);

    private static int headerEnd() {
        return headerEnd(FILE);
    }

    private static int headerEnd(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        return 8 + 8 + b.getInt(12) + 4;
    }

    /** Offsets where blocks start, and the file's length last. */
    private static List<Integer> blockStarts() {
        ByteBuffer b = ByteBuffer.wrap(FILE).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> starts = new ArrayList<>();
        for (int p = headerEnd(); p < FILE.length; p += RecordFormat.BLOCK_HEADER_BYTES + b.getInt(p + 8)) {
            starts.add(p);
        }
        starts.add(FILE.length);
        return starts;
    }

    @Test
    void cutAtEveryByteGivesEveryWholeBlockBeforeTheCutAndSaysWhere() throws IOException {
        List<Integer> starts = blockStarts();
        assertEquals(4, starts.size(), "three blocks");
        int[] eventsAfterBlock = {2, 4, 5};
        for (int cut = 0; cut < FILE.length; cut++) {
            RecordReader r = new RecordReader(new ByteArrayInputStream(Arrays.copyOf(FILE, cut)));
            if (cut < headerEnd()) {
                RecordFormatException e = assertThrows(RecordFormatException.class, r::header, "cut at " + cut);
                assertEquals(RecordFormatException.Kind.TRUNCATED, e.kind(), "cut at " + cut + ": " + e.getMessage());
                assertEquals(RecordFormatException.HEADER, e.block());
                continue;
            }
            RecordFixtures.Collect c = new RecordFixtures.Collect();
            ReadResult result = r.read(c);
            int whole = 0;
            while (starts.get(whole + 1) <= cut) {
                whole++;
            }
            String what = "cut at " + cut;
            assertFalse(result.complete(), what);
            assertFalse(result.ended(), what);
            assertNotNull(result.damage(), what);
            assertEquals(RecordFormatException.Kind.TRUNCATED, result.damage().kind(), what);
            assertEquals(whole, result.blocks(), what);
            assertEquals(whole, result.damage().block(), what);
            assertEquals((long) starts.get(whole), result.damage().offset(), what);
            assertEquals(whole == 0 ? 0 : eventsAfterBlock[whole - 1], c.events.size(), what);
        }
    }

    @Test
    void theMessageOfAFileWithoutEndMarkerSaysTheWriterDidNotFinish() throws IOException {
        int cut = blockStarts().get(2);
        ReadResult result = new RecordReader(new ByteArrayInputStream(Arrays.copyOf(FILE, cut)))
                .read(new RecordFixtures.Collect());
        assertEquals("the file ends after 2 blocks without the end marker: its writer did not finish (killed, or"
                + " still writing) (in block 2 at byte " + cut + ")", result.damage().getMessage());
    }

    @Test
    void everySingleBitFlipIsCaught() throws IOException {
        for (int i = 0; i < FILE.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = FILE.clone();
                bad[i] ^= (byte) (1 << bit);
                RecordReader r = new RecordReader(new ByteArrayInputStream(bad));
                String what = "bit " + bit + " of byte " + i;
                if (i < headerEnd()) {
                    RecordFormatException e = assertThrows(RecordFormatException.class, r::header, what);
                    assertTrue(i >= 8 && i < 16 || e.kind() == RecordFormatException.Kind.CORRUPT,
                            what + ": " + e.getMessage());
                    continue;
                }
                ReadResult result = r.read(new RecordFixtures.Collect());
                assertFalse(result.complete(), what);
                assertNotNull(result.damage(), what);
            }
        }
    }

    @Test
    void aFlippedPayloadBitIsAChecksumMismatchOfThatBlock() throws IOException {
        int second = blockStarts().get(1);
        byte[] bad = FILE.clone();
        bad[second + RecordFormat.BLOCK_HEADER_BYTES + 10] ^= 0x10;
        RecordFixtures.Collect c = new RecordFixtures.Collect();
        ReadResult result = new RecordReader(new ByteArrayInputStream(bad)).read(c);
        assertEquals(RecordFormatException.Kind.CORRUPT, result.damage().kind());
        assertEquals(1, result.damage().block());
        assertEquals(second, result.damage().offset());
        assertTrue(result.damage().getMessage().startsWith("block checksum mismatch"), result.damage().getMessage());
        assertEquals(2, c.events.size(), "the first block's events are all there");
    }

    @Test
    void aNewerMajorVersionIsRefusedWithAClearMessage() {
        byte[] newer = withVersion(2, 0);
        RecordFormatException e = assertThrows(RecordFormatException.class,
                () -> new RecordReader(new ByteArrayInputStream(newer)).header());
        assertEquals(RecordFormatException.Kind.UNSUPPORTED_VERSION, e.kind());
        assertEquals("the file is in record format 2.0; this dropscope reads format 1.x: read it with a newer"
                + " dropscope (in the header at byte 8)", e.getMessage());
    }

    @Test
    void aNewerMinorVersionWithUnknownRecordTypesIsRead() throws IOException {
        byte[] newer = withVersion(1, 7);
        // Append, before the blocks, one block holding a record of a type this version lacks.
        int h = headerEnd();
        byte[] extra = block(0, new byte[] {(byte) 200, 0, 3, 0, 1, 2, 3});
        byte[] file = new byte[newer.length + extra.length];
        System.arraycopy(newer, 0, file, 0, h);
        System.arraycopy(extra, 0, file, h, extra.length);
        // renumber the following blocks: 0, 1, 2 become 1, 2, 3, with their checksums
        ByteBuffer rest = ByteBuffer.wrap(newer, h, newer.length - h).slice().order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p < rest.capacity(); p += RecordFormat.BLOCK_HEADER_BYTES + rest.getInt(p + 8)) {
            rest.putInt(p + 4, rest.getInt(p + 4) + 1);
            byte[] payload = new byte[rest.getInt(p + 8)];
            rest.get(p + RecordFormat.BLOCK_HEADER_BYTES, payload);
            rest.putInt(p + 16, crc(rest, p, payload));
        }
        rest.get(0, file, h + extra.length, rest.capacity());
        RecordReader r = new RecordReader(new ByteArrayInputStream(file));
        r.header();
        assertEquals(7, r.formatMinor());
        RecordFixtures.Collect c = new RecordFixtures.Collect();
        ReadResult result = r.read(c);
        assertTrue(result.complete(), () -> String.valueOf(result.damage()));
        assertEquals(5, c.events.size());
        assertEquals(4, result.blocks());
    }

    @Test
    void notARecordFileSaysSo() {
        RecordFormatException e = assertThrows(RecordFormatException.class,
                () -> new RecordReader(new ByteArrayInputStream("perf file\n".getBytes())).header());
        assertEquals(RecordFormatException.Kind.CORRUPT, e.kind());
        assertTrue(e.getMessage().startsWith("not a dropscope record file"), e.getMessage());
        RecordFormatException empty = assertThrows(RecordFormatException.class,
                () -> new RecordReader(new ByteArrayInputStream(new byte[0])).header());
        assertTrue(empty.getMessage().contains("it is empty"), empty.getMessage());
    }

    /** A tracepoint recording (2 CPUs, 2 events a block) of events at 2,000 ns with these counts and CPUs. */
    private static byte[] events(long[] counts, int[] cpus) {
        return RecordFixtures.record(RecordFixtures.tracepointHeader(), new RecordWriter.Limits(2, 1_000), (w, e) -> {
            for (int i = 0; i < counts.length; i++) {
                w.drop(e.set(2_000, cpus[i], DropOrigin.SOFTWARE, RecordFixtures.UDP_RCV_PC, RecordFixtures.NO_SOCKET,
                        DropSink.NO_STACK, counts[i]));
            }
        });
    }

    /** Reads {@code file}, expecting damage in {@code block} after {@code before} events; returns its message. */
    private static String damage(byte[] file, int before, long block) throws IOException {
        RecordFixtures.Collect c = new RecordFixtures.Collect();
        ReadResult result = new RecordReader(new ByteArrayInputStream(file)).read(c);
        assertFalse(result.complete());
        assertNotNull(result.damage(), "damage expected");
        assertEquals(RecordFormatException.Kind.CORRUPT, result.damage().kind());
        assertEquals(block, result.damage().block(), result.damage().getMessage());
        assertEquals(before, c.events.size(), "every event before the damage is handed over");
        assertEquals(before, result.events());
        assertTrue(result.drops() >= 0, "no total is ever negative");
        return result.damage().getMessage();
    }

    /** Counts are u64: one of 2^63 or more, or a total that passes 2^63 - 1, is damage where it is. */
    @Test
    void aCountBeyondSixtyThreeBitsOrATotalThatOverflowsIsDamage() throws IOException {
        String m = damage(events(new long[] {1, 1, -7, 1}, new int[] {0, 1, 0, 1}), 2, 1);
        assertTrue(m.startsWith("event with count 18446744073709551609, past 2^63 - 1 at payload byte "), m);
        m = damage(events(new long[] {Long.MAX_VALUE, 1}, new int[] {0, 0}), 1, 0);
        assertTrue(m.startsWith("event with count 1, which takes the file's total of 9223372036854775807 past"
                + " 2^63 - 1 at payload byte "), m);
        ReadResult whole = new RecordReader(new ByteArrayInputStream(events(new long[] {Long.MAX_VALUE - 1, 1},
                new int[] {0, 0}))).read(new RecordFixtures.Collect());
        assertTrue(whole.complete(), () -> String.valueOf(whole.damage()));
        assertEquals(Long.MAX_VALUE, whole.drops(), "up to 2^63 - 1 is a count");
    }

    @Test
    void anEventOrLossOnACpuTheHeaderDoesNotDeclareIsDamage() throws IOException {
        String m = damage(events(new long[] {1, 1, 1}, new int[] {1, 0, 65535}), 2, 1);
        assertTrue(m.startsWith("event on CPU 65535, but the header declares 2 CPUs (0 to 1) at payload byte "), m);
        byte[] lost = RecordFixtures.record(RecordFixtures.tracepointHeader(), new RecordWriter.Limits(2, 1_000),
                (w, e) -> w.lost(2_000, 2, 5));
        m = damage(lost, 0, 0);
        assertTrue(m.startsWith("lost record on CPU 2, but the header declares 2 CPUs"), m);
        byte[] negative = RecordFixtures.record(RecordFixtures.tracepointHeader(), new RecordWriter.Limits(2, 1_000),
                (w, e) -> w.lost(2_000, 1, -1));
        m = damage(negative, 0, 0);
        assertTrue(m.startsWith("lost record with count 18446744073709551615, past 2^63 - 1"), m);
    }

    /** Times are u64 on the header's clock; one whose wall-clock time passes 2^63 - 1 ns (2262) is damage. */
    @Test
    void aTimeBeyondSixtyFourBitNanosecondsIsDamage() throws IOException {
        RecordHeader h = RecordFixtures.tracepointHeader();
        long lastTime = Long.MAX_VALUE - (h.clock().realtimeStartNanos() - h.clock().startNanos());
        for (long t : new long[] {-1, lastTime + 1}) {
            byte[] f = RecordFixtures.record(h, new RecordWriter.Limits(2, 1_000), (w, e) -> {
                w.drop(e.set(2_000, 0, DropOrigin.SOFTWARE, RecordFixtures.UDP_RCV_PC, 0, DropSink.NO_STACK, 1));
                w.drop(e.set(t, 0, DropOrigin.SOFTWARE, RecordFixtures.UDP_RCV_PC, 0, DropSink.NO_STACK, 1));
            });
            String m = damage(f, 1, 0);
            assertTrue(m.startsWith("event at " + Long.toUnsignedString(t) + " ns on the header's clock, past"
                    + " 2262-04-11"), m);
        }
        byte[] last = RecordFixtures.record(h, new RecordWriter.Limits(2, 1_000), (w, e) ->
                w.drop(e.set(lastTime, 0, DropOrigin.SOFTWARE, RecordFixtures.UDP_RCV_PC, 0, DropSink.NO_STACK, 1)));
        assertTrue(new RecordReader(new ByteArrayInputStream(last)).read(new RecordFixtures.Collect()).complete());
    }

    /** The header's u32 CPU count and u64 clock readings are read unsigned; out of range, the header is damaged. */
    @Test
    void headerFieldsBeyondTheirRangeAreHeaderDamage() {
        RecordHeader h = RecordFixtures.tracepointHeader();
        byte[] clock = RecordFixtures.record(new RecordHeader(h.kernelRelease(), h.hostname(), h.bootId(),
                h.source(), h.sourceDescription(), h.tracepointFormat(),
                new RecordHeader.Clock(RecordFormat.CLOCK_MONOTONIC, -2, 5), h.cpus(), null, h.properties()),
                new RecordWriter.Limits(2, 1_000), (w, e) -> { });
        RecordFormatException e = assertThrows(RecordFormatException.class,
                () -> new RecordReader(new ByteArrayInputStream(clock)).header());
        assertEquals(RecordFormatException.HEADER, e.block());
        assertTrue(e.getMessage().startsWith("the clock field's start 18446744073709551614 ns is past 2^63 - 1"),
                e.getMessage());

        byte[] cpus = FILE.clone();
        // The cpus item: tag 8, length 4, then the count (2), which becomes 2^32 - 1.
        int at = indexOf(cpus, new byte[] {8, 0, 4, 0, 0, 0, 2, 0, 0, 0}) + 6;
        ByteBuffer.wrap(cpus).order(ByteOrder.LITTLE_ENDIAN).putInt(at, -1);
        sealHeader(cpus);
        e = assertThrows(RecordFormatException.class, () -> new RecordReader(new ByteArrayInputStream(cpus)).header());
        assertTrue(e.getMessage().startsWith("cpus field is 4294967295 (expected: 1 to 65536"), e.getMessage());
    }

    /** u8 fields print as the file has them: an origin or source of 200 is 200, not -56. */
    @Test
    void byteFieldsAreReadUnsigned() throws IOException {
        byte[] f = events(new long[] {1}, new int[] {0});
        // The event: time 2,000, then its location; the origin is byte 44 of the body.
        ByteBuffer key = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(2_000)
                .putLong(RecordFixtures.UDP_RCV_PC);
        f[indexOf(f, key.array()) + 44] = (byte) 200;
        int block = headerEnd(f);
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        byte[] payload = Arrays.copyOfRange(f, block + RecordFormat.BLOCK_HEADER_BYTES,
                block + RecordFormat.BLOCK_HEADER_BYTES + b.getInt(block + 8));
        b.putInt(block + 16, crc(b, block, payload));
        assertTrue(damage(f, 0, 0).startsWith("event of unknown origin 200 at payload byte "));

        byte[] source = FILE.clone();
        // The source item: tag 4, length 1, then the source (1), which becomes 200.
        source[indexOf(source, new byte[] {4, 0, 1, 0, 0, 0, 1}) + 6] = (byte) 200;
        sealHeader(source);
        RecordFormatException e = assertThrows(RecordFormatException.class,
                () -> new RecordReader(new ByteArrayInputStream(source)).header());
        assertTrue(e.getMessage().startsWith("unknown source 200 (expected: 1 tracepoint, 2 netdm)"), e.getMessage());
    }

    private static int indexOf(byte[] in, byte[] what) {
        for (int i = 0; i + what.length <= in.length; i++) {
            if (Arrays.equals(in, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    private static byte[] withVersion(int major, int minor) {
        byte[] f = FILE.clone();
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) major).putShort(10, (short) minor);
        sealHeader(f);
        return f;
    }

    /** Writes the header checksum of a header changed in place. */
    private static void sealHeader(byte[] f) {
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        int len = b.getInt(12);
        CRC32C crc = new CRC32C();
        crc.update(f, 8, 8 + len);
        b.putInt(16 + len, (int) crc.getValue());
    }

    private static byte[] block(int sequence, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(RecordFormat.BLOCK_HEADER_BYTES + payload.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(RecordFormat.BLOCK_MAGIC).putInt(sequence).putInt(payload.length).putInt(1).putInt(0).put(payload);
        b.putInt(16, crc(b, 0, payload));
        return b.array();
    }

    private static int crc(ByteBuffer block, int at, byte[] payload) {
        CRC32C crc = new CRC32C();
        byte[] fields = new byte[12];
        block.get(at + 4, fields);
        crc.update(fields);
        crc.update(payload);
        return (int) crc.getValue();
    }
}
