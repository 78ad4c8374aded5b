// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Field offsets of {@code struct perf_event_mmap_page}, the first page of a perf ring mapping,
 * and the sizes of such a mapping. See perf_event_open(2) and include/uapi/linux/perf_event.h.
 *
 * <p>A ring mapping is one metadata page followed by 2<sup>n</sup> data pages. The kernel writes
 * {@code data_head}; the reader loads it with acquire semantics, consumes records up to it and
 * stores {@code data_tail} with release semantics. Since Linux 4.1 the data area's position and
 * length are published in {@code data_offset} and {@code data_size}.
 */
public final class PerfMmapPage {

    public static final int OFFSET_DATA_HEAD = 1024;     // __u64, written by the kernel
    public static final int OFFSET_DATA_TAIL = 1032;     // __u64, written by the reader
    public static final int OFFSET_DATA_OFFSET = 1040;   // __u64
    public static final int OFFSET_DATA_SIZE = 1048;     // __u64

    /** auxv entry type carrying the page size, from include/uapi/linux/auxvec.h. */
    static final long AT_PAGESZ = 6;
    private static final long AT_NULL = 0;

    private static final Path AUXV = Path.of("/proc/self/auxv");

    private PerfMmapPage() {
    }

    /** The system page size, read once from /proc/self/auxv. */
    public static int pageSize() {
        return PageSize.VALUE;
    }

    /**
     * The length to mmap for a ring of {@code dataPages} data pages of {@code pageSize} bytes: one
     * metadata page more.
     *
     * @throws IllegalArgumentException unless {@code dataPages} is a power of two, as the kernel
     *     demands (it answers EINVAL otherwise)
     */
    public static long mappingLength(int dataPages, int pageSize) {
        if (dataPages <= 0 || Integer.bitCount(dataPages) != 1) {
            throw new IllegalArgumentException("data pages " + dataPages + " (expected: a power of two)");
        }
        return (1L + dataPages) * pageSize;
    }

    /**
     * Finds AT_PAGESZ in the contents of an auxv file: (u64 type, u64 value) pairs in host order,
     * ending with AT_NULL. Only 64-bit little-endian hosts are supported.
     *
     * @throws IllegalArgumentException if there is no AT_PAGESZ entry
     */
    static int pageSize(ByteBuffer auxv) {
        ByteBuffer in = auxv.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        while (in.remaining() >= 2 * Long.BYTES) {
            long type = in.getLong();
            long value = in.getLong();
            if (type == AT_PAGESZ) {
                return Math.toIntExact(value);
            }
            if (type == AT_NULL) {
                break;
            }
        }
        throw new IllegalArgumentException("no AT_PAGESZ entry in auxv");
    }

    private static final class PageSize {
        static final int VALUE = read();

        private static int read() {
            try {
                return pageSize(ByteBuffer.wrap(Files.readAllBytes(AUXV)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the page size from " + AUXV, e);
            }
        }
    }
}
