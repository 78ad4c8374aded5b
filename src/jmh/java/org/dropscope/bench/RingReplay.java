// SPDX-License-Identifier: Apache-2.0
package org.dropscope.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfMmapPage;

/**
 * A fake perf mapping that replays a captured ring image forever without copying: the data area
 * holds the image followed by padding records, exactly filling its power-of-two size, and each
 * {@link #lap()} advances {@code data_head} by one data-area size, as if the kernel had written
 * the same records again. The contents start {@value #WRAP_BYTES} bytes before the end of the
 * data area, so, as in a real ring, one record per lap wraps and goes through the reader's
 * scratch copy.
 *
 * <p>Padding records have type {@link #PAD_TYPE}, which is no PERF_RECORD_* value: the decoder
 * skips unknown types, as it must for record types a kernel adds.
 */
final class RingReplay {
    static final int PAGE = 4096;
    static final int PAD_TYPE = 0x7fff_0000;
    static final int WRAP_BYTES = 24;
    private static final int MAX_PAD = 0xfff8;
    private static final VarHandle U64 = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final ByteBuffer mapping;
    private final int dataSize;
    private final int samples;
    private final int padRecords;
    private long head;

    RingReplay(byte[] image) {
        if (image.length % 8 != 0) {
            throw new IllegalArgumentException("a ring image is a whole number of 8-byte aligned records");
        }
        // The smallest power of two with room for the image and at least one padding record.
        dataSize = Math.max(Integer.highestOneBit(image.length + 7) << 1, PAGE);
        ByteBuffer lap = ByteBuffer.allocate(dataSize).order(ByteOrder.LITTLE_ENDIAN);
        lap.put(image);
        samples = countSamples(image);
        int pads = 0;
        while (lap.hasRemaining()) {
            int n = Math.min(lap.remaining(), MAX_PAD);
            int at = lap.position();
            lap.putInt(at, PAD_TYPE).putShort(at + 4, (short) 0).putShort(at + 6, (short) n);
            lap.position(at + n);
            pads++;
        }
        padRecords = pads;
        mapping = ByteBuffer.allocateDirect(PAGE + dataSize + 8).alignedSlice(8).limit(PAGE + dataSize).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        int start = dataSize - WRAP_BYTES;
        for (int i = 0; i < dataSize; i++) {
            mapping.put(PAGE + (start + i) % dataSize, lap.get(i));
        }
        mapping.putLong(PerfMmapPage.OFFSET_DATA_OFFSET, PAGE);
        mapping.putLong(PerfMmapPage.OFFSET_DATA_SIZE, dataSize);
        head = start;
        mapping.putLong(PerfMmapPage.OFFSET_DATA_HEAD, head);
        mapping.putLong(PerfMmapPage.OFFSET_DATA_TAIL, head);
    }

    /** The mapping to hand to {@code PerfRing}. */
    ByteBuffer mapping() {
        return mapping.duplicate();
    }

    /** "The kernel wrote one more lap": publishes one data area's worth of records. */
    void lap() {
        head += dataSize;
        U64.setRelease(mapping, PerfMmapPage.OFFSET_DATA_HEAD, head);
    }

    int dataSize() {
        return dataSize;
    }

    /** PERF_RECORD_SAMPLE records per lap. */
    int samples() {
        return samples;
    }

    /** Padding records per lap. */
    int padRecords() {
        return padRecords;
    }

    private static int countSamples(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int n = 0;
        for (int p = 0; p < image.length; p += Short.toUnsignedInt(b.getShort(p + 6))) {
            if (b.getInt(p) == PerfConstants.PERF_RECORD_SAMPLE) {
                n++;
            }
        }
        return n;
    }
}
