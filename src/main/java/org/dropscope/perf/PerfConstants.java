// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

/**
 * Constants of the perf_event_open(2) ABI that dropscope uses.
 *
 * <p>Mirrors include/uapi/linux/perf_event.h (Linux 6.1 userspace headers; every value is checked
 * against the installed header by {@code LayoutCheckTest}). Only the values some code reads: the
 * open flags and the PERF_EVENT_IOC_* requests live with the calls that use them, in
 * {@code nativeio.PerfEvent}.
 */
public final class PerfConstants {

    // enum perf_type_id: attr.type
    public static final int PERF_TYPE_SOFTWARE = 1;
    public static final int PERF_TYPE_TRACEPOINT = 2;

    // enum perf_sw_ids: attr.config when attr.type is PERF_TYPE_SOFTWARE
    public static final long PERF_COUNT_SW_TASK_CLOCK = 1;
    public static final long PERF_COUNT_SW_DUMMY = 9;

    // enum perf_event_sample_format: attr.sample_type bits, in the order the sample carries them
    public static final long PERF_SAMPLE_IP = 1L << 0;
    public static final long PERF_SAMPLE_TID = 1L << 1;
    public static final long PERF_SAMPLE_TIME = 1L << 2;
    public static final long PERF_SAMPLE_ADDR = 1L << 3;
    public static final long PERF_SAMPLE_READ = 1L << 4;
    public static final long PERF_SAMPLE_CALLCHAIN = 1L << 5;
    public static final long PERF_SAMPLE_ID = 1L << 6;
    public static final long PERF_SAMPLE_CPU = 1L << 7;
    public static final long PERF_SAMPLE_PERIOD = 1L << 8;
    public static final long PERF_SAMPLE_STREAM_ID = 1L << 9;
    public static final long PERF_SAMPLE_RAW = 1L << 10;
    public static final long PERF_SAMPLE_IDENTIFIER = 1L << 16;

    // enum perf_event_read_format: attr.read_format bits
    public static final long PERF_FORMAT_ID = 1L << 2;
    public static final long PERF_FORMAT_GROUP = 1L << 3;
    public static final long PERF_FORMAT_LOST = 1L << 4;

    // enum perf_event_type: perf_event_header.type of ring records
    public static final int PERF_RECORD_LOST = 2;
    public static final int PERF_RECORD_THROTTLE = 5;
    public static final int PERF_RECORD_SAMPLE = 9;
    public static final int PERF_RECORD_LOST_SAMPLES = 13;

    /** Size of struct perf_event_header (u32 type, u16 misc, u16 size). */
    public static final int PERF_EVENT_HEADER_SIZE = 8;

    // enum perf_callchain_context: marker entries inside a PERF_SAMPLE_CALLCHAIN list
    public static final long PERF_CONTEXT_KERNEL = -128L;
    /** Callchain entries at or above this (as unsigned) are markers, not addresses. */
    public static final long PERF_CONTEXT_MAX = -4095L;

    // attr.clockid values, from include/uapi/linux/time.h
    public static final int CLOCK_REALTIME = 0;
    public static final int CLOCK_MONOTONIC = 1;

    private PerfConstants() {
    }
}
