// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

/**
 * {@code enum perf_event_type} values and the record header size.
 * Mirrors include/uapi/linux/perf_event.h; checked against the system header by LayoutCheckTest.
 */
public final class PerfRecord {
    /** sizeof(struct perf_event_header): u32 type, u16 misc, u16 size. */
    public static final int HEADER_SIZE = 8;

    /** {u64 id; u64 lost;}: records the kernel could not write because the ring was full. */
    public static final int LOST = 2;
    public static final int THROTTLE = 5;
    public static final int UNTHROTTLE = 6;
    public static final int SAMPLE = 9;
    /** {u64 lost;}: samples lost for reasons other than a full ring (Linux 4.2+). */
    public static final int LOST_SAMPLES = 13;

    private PerfRecord() {
    }
}
