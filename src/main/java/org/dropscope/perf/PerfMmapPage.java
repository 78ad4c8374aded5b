// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

/**
 * Offsets in {@code struct perf_event_mmap_page}, the first page of a perf ring mapping.
 * Mirrors include/uapi/linux/perf_event.h; checked against the system header by LayoutCheckTest.
 */
public final class PerfMmapPage {
    /** u64, written by the kernel: end of the written data (free-running byte count). */
    public static final int DATA_HEAD = 1024;
    /** u64, written by user space: end of the consumed data. */
    public static final int DATA_TAIL = 1032;
    /** u64: where the data area starts in the mapping (Linux 4.1+; 0 before). */
    public static final int DATA_OFFSET = 1040;
    /** u64: size of the data area (Linux 4.1+; 0 before). */
    public static final int DATA_SIZE = 1048;

    private PerfMmapPage() {
    }
}
