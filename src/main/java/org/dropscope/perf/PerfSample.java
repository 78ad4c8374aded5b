// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

/**
 * {@code enum perf_event_sample_format} bits used by dropscope.
 * Mirrors include/uapi/linux/perf_event.h; checked against the system header by LayoutCheckTest.
 */
public final class PerfSample {
    public static final long IP = 1L << 0;
    public static final long TID = 1L << 1;
    public static final long TIME = 1L << 2;
    public static final long ADDR = 1L << 3;
    public static final long READ = 1L << 4;
    public static final long CALLCHAIN = 1L << 5;
    public static final long ID = 1L << 6;
    public static final long CPU = 1L << 7;
    public static final long PERIOD = 1L << 8;
    public static final long STREAM_ID = 1L << 9;
    public static final long RAW = 1L << 10;
    public static final long IDENTIFIER = 1L << 16;

    /** Call-chain context markers: the entries that follow are kernel / user addresses. */
    public static final long CONTEXT_KERNEL = -128L;
    public static final long CONTEXT_USER = -512L;
    /** Any value at or above this (unsigned) is a context marker, not an address. */
    public static final long CONTEXT_MAX = -4095L;

    private PerfSample() {
    }
}
