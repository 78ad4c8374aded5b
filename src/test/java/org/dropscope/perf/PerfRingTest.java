// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerfRingTest {
    /** A sample with a 16-byte raw part whose first u64 is {@code marker}. */
    private static byte[] sample(long marker) {
        return new RingImage.Rec(PerfConstants.PERF_RECORD_SAMPLE)
                .u32(20)             // raw size
                .u64(marker)         // raw bytes 0..7
                .u64(~marker)        // raw bytes 8..15
                .u32(0)              // raw bytes 16..19
                .bytes();            // 8 + 4 + 20 = 32 bytes, 8-aligned
    }

    private static List<Long> drainMarkers(PerfRing ring, int maxBytes) {
        List<Long> seen = new ArrayList<>();
        ring.drain((buf, off, type, size) -> {
            assertEquals(PerfConstants.PERF_RECORD_SAMPLE, type);
            assertEquals(32, size);
            assertEquals(~buf.getLongLE(off + 12), buf.getLongLE(off + 20), "record body intact");
            seen.add(buf.getLongLE(off + 12));
        }, maxBytes);
        return seen;
    }

    @Test
    void readsRecordsAndPublishesTail() {
        RingImage img = new RingImage(1);
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            img.write(sample(1));
            img.write(sample(2));
            img.write(sample(3));
            assertEquals(List.of(1L, 2L, 3L), drainMarkers(ring, Integer.MAX_VALUE));
            assertEquals(img.head(), img.tail(), "data_tail handed back to the kernel");
            assertEquals(List.of(), drainMarkers(ring, Integer.MAX_VALUE));
        }
    }

    @Test
    void recordThatWrapsTheEndIsReassembled() {
        // Start 16 bytes before the end of a one-page data area: the first record's header fits,
        // its body wraps to the start.
        RingImage img = new RingImage(1).startAt(RingImage.PAGE * 5L - 16);
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            img.write(sample(0xAAAAL));
            img.write(sample(0xBBBBL));
            assertEquals(List.of(0xAAAAL, 0xBBBBL), drainMarkers(ring, Integer.MAX_VALUE));
            assertEquals(img.head(), img.tail());
        }
    }

    @Test
    void maxBytesBoundsOneDrain() {
        RingImage img = new RingImage(1);
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            for (int i = 0; i < 10; i++) {
                img.write(sample(i));
            }
            assertEquals(List.of(0L, 1L, 2L), drainMarkers(ring, 96));
            assertEquals(7 * 32, img.head() - img.tail(), "data_tail after the first three records");
            assertEquals(7, drainMarkers(ring, Integer.MAX_VALUE).size());
        }
    }

    @Test
    void corruptHeaderSkipsToHeadAndIsCounted() {
        RingImage img = new RingImage(1);
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            img.write(sample(1));
            img.write(new byte[] {9, 0, 0, 0, 0, 0, 0, 0});  // type SAMPLE, size 0: impossible
            img.write(sample(2));
            assertEquals(List.of(1L), drainMarkers(ring, Integer.MAX_VALUE));
            assertEquals(1, ring.corrupt());
            assertEquals(img.head(), img.tail());
        }
    }

    @Test
    void oldKernelsWithoutDataOffsetUseTheSecondPage() {
        RingImage img = new RingImage(2);
        ByteBuffer m = img.mapping();
        m.putLong(PerfMmapPage.OFFSET_DATA_OFFSET, 0);
        m.putLong(PerfMmapPage.OFFSET_DATA_SIZE, 0);
        try (PerfRing ring = new PerfRing(m, RingImage.PAGE)) {
            assertEquals(2 * RingImage.PAGE, ring.dataSize());
        }
    }

    @Test
    void rejectsADataAreaThatIsNotAPowerOfTwo() {
        RingImage img = new RingImage(3);
        assertThrows(IllegalArgumentException.class, () -> new PerfRing(img.mapping(), RingImage.PAGE));
        assertThrows(IllegalArgumentException.class, () -> new PerfRing(ByteBuffer.allocate(8192), 4096));
    }
}
