// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads the records of one perf ring buffer in place: the memory that {@code mmap(2)} of a perf
 * event fd returns, a metadata page followed by a power-of-two data area.
 *
 * <p>The protocol is the one perf_event_open(2) documents under "MMAP layout": the kernel writes
 * records and then advances {@code data_head}; user space reads {@code data_head} with acquire
 * ordering (so the records before it are visible), consumes records up to it and stores
 * {@code data_tail} with release ordering (so the kernel does not overwrite bytes still being
 * read). Records are 8-byte aligned and at least 8 bytes long, so a header never straddles the
 * end of the data area, but a body may: such a record is copied into a scratch buffer first.
 *
 * <p>Not thread-safe: one reader thread per ring.
 */
public final class PerfRing implements AutoCloseable {
    private static final VarHandle U64 = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** perf_event_header.size is a u16, so no record is larger. */
    private static final int MAX_RECORD = 0xffff;

    private final ByteBuffer meta;
    private final ByteBuf data;
    private final int dataSize;
    private final int mask;
    private final ByteBuf scratch = Unpooled.directBuffer(MAX_RECORD + 1, MAX_RECORD + 1);
    private long tail;
    private long corrupt;

    /**
     * @param mapping the whole mapping: one metadata page, then 2^n data pages
     * @param pageSize the system page size
     */
    public PerfRing(ByteBuffer mapping, int pageSize) {
        if (!mapping.isDirect()) {
            throw new IllegalArgumentException("a perf ring must be a direct buffer over the mapping");
        }
        this.meta = mapping.duplicate();
        long offset = (long) U64.getAcquire(meta, PerfMmapPage.OFFSET_DATA_OFFSET);
        long size = (long) U64.getAcquire(meta, PerfMmapPage.OFFSET_DATA_SIZE);
        if (offset == 0 || size == 0) {
            // Kernels before 4.1 leave data_offset/data_size zero: the data area then starts at
            // the second page and runs to the end of the mapping.
            offset = pageSize;
            size = mapping.capacity() - (long) pageSize;
        }
        if (size <= 0 || Long.bitCount(size) != 1 || offset + size > mapping.capacity()) {
            throw new IllegalArgumentException("perf ring data area " + size + " bytes at " + offset
                    + " does not fit a " + mapping.capacity() + "-byte mapping as a power of two");
        }
        this.dataSize = (int) size;
        this.mask = dataSize - 1;
        this.data = Unpooled.wrappedBuffer(mapping.duplicate().position((int) offset).limit((int) (offset + size)).slice());
        this.tail = (long) U64.getAcquire(meta, PerfMmapPage.OFFSET_DATA_TAIL);
    }

    /** Size of the data area in bytes. */
    public int dataSize() {
        return dataSize;
    }

    /** Times the ring's contents were found inconsistent and skipped (should stay 0). */
    public long corrupt() {
        return corrupt;
    }

    /**
     * Hands every complete record to {@code handler}, then returns the space to the kernel.
     *
     * @param maxBytes stop after about this many bytes, so one busy ring cannot starve the others
     * @return bytes consumed
     */
    public int drain(PerfRecordHandler handler, int maxBytes) {
        long head = (long) U64.getAcquire(meta, PerfMmapPage.OFFSET_DATA_HEAD);
        long t = tail;
        long limit = Math.min(head, t + maxBytes);
        while (t < limit) {
            int off = (int) (t & mask);
            int type = data.getIntLE(off);
            int size = data.getUnsignedShortLE(off + 6);
            if (size < 8 || (size & 7) != 0 || t + size > head) {
                // The kernel never writes such a header; resynchronising is impossible, so give
                // the whole unread area back rather than read garbage.
                corrupt++;
                t = head;
                break;
            }
            if (off + size <= dataSize) {
                handler.onRecord(data, off, type, size);
            } else {
                int first = dataSize - off;
                scratch.setBytes(0, data, off, first);
                scratch.setBytes(first, data, 0, size - first);
                handler.onRecord(scratch, 0, type, size);
            }
            t += size;
        }
        U64.setRelease(meta, PerfMmapPage.OFFSET_DATA_TAIL, t);
        int consumed = (int) (t - tail);
        tail = t;
        return consumed;
    }

    /**
     * Whether the kernel has written past what the reader gave back: {@code data_head} (acquire)
     * beyond {@code data_tail}. Any thread: {@code data_tail} is read as the reader last stored
     * it, so records a pass took but has not handed on yet do not count as unread.
     */
    public boolean hasUnread() {
        long t = (long) U64.getAcquire(meta, PerfMmapPage.OFFSET_DATA_TAIL);
        return (long) U64.getAcquire(meta, PerfMmapPage.OFFSET_DATA_HEAD) != t;
    }

    /** Releases the Netty views; the mapping itself belongs to whoever mapped it. */
    @Override
    public void close() {
        if (data.refCnt() > 0) {
            data.release();
        }
        if (scratch.refCnt() > 0) {
            scratch.release();
        }
    }
}
