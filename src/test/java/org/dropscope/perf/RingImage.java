// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A fake perf mapping for tests: a metadata page and a data area, written the way the kernel
 * writes it (records at data_head, wrapping at the end, then data_head advanced).
 */
public final class RingImage {
    public static final int PAGE = 4096;
    private final ByteBuffer mapping;
    private final int dataSize;
    private long head;

    public RingImage(int dataPages) {
        dataSize = dataPages * PAGE;
        mapping = ByteBuffer.allocateDirect(PAGE + dataSize + 8).alignedSlice(8).limit(PAGE + dataSize).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        mapping.putLong(PerfMmapPage.OFFSET_DATA_OFFSET, PAGE);
        mapping.putLong(PerfMmapPage.OFFSET_DATA_SIZE, dataSize);
    }

    /** Starts both head and tail at {@code position}, as if that much had been written and read. */
    public RingImage startAt(long position) {
        head = position;
        mapping.putLong(PerfMmapPage.OFFSET_DATA_HEAD, position);
        mapping.putLong(PerfMmapPage.OFFSET_DATA_TAIL, position);
        return this;
    }

    public ByteBuffer mapping() {
        return mapping.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public long head() {
        return head;
    }

    public long tail() {
        return mapping.getLong(PerfMmapPage.OFFSET_DATA_TAIL);
    }

    /** Appends one record (header included in {@code record}) and publishes it. */
    public void write(byte[] record) {
        for (int i = 0; i < record.length; i++) {
            mapping.put(PAGE + (int) ((head + i) % dataSize), record[i]);
        }
        head += record.length;
        mapping.putLong(PerfMmapPage.OFFSET_DATA_HEAD, head);
    }

    /** Little-endian record builder. */
    public static final class Rec {
        private final ByteBuffer b = ByteBuffer.allocate(0x10000).order(ByteOrder.LITTLE_ENDIAN);

        public Rec(int type) {
            b.putInt(type);
            b.putShort((short) 0);   // misc
            b.putShort((short) 0);   // size, patched in bytes()
        }

        public Rec u64(long v) {
            b.putLong(v);
            return this;
        }

        public Rec u32(int v) {
            b.putInt(v);
            return this;
        }

        public Rec u16(int v) {
            b.putShort((short) v);
            return this;
        }

        public Rec zeros(int n) {
            b.put(new byte[n]);
            return this;
        }

        public byte[] bytes() {
            int size = b.position();
            b.putShort(6, (short) size);
            byte[] out = new byte[size];
            b.get(0, out);
            return out;
        }
    }
}
