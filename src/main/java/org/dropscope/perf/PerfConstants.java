// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

/**
 * Constants of the perf_event_open(2) ABI that dropscope uses.
 *
 * <p>Mirrors include/uapi/linux/perf_event.h (Linux 6.1 userspace headers; every value is checked
 * against the installed header by {@code LayoutCheckTest}). The ioctl numbers are computed with the
 * asm-generic encoding of include/uapi/asm-generic/ioctl.h, which x86_64 and arm64 both use.
 */
public final class PerfConstants {

    // enum perf_type_id: attr.type
    public static final int PERF_TYPE_HARDWARE = 0;
    public static final int PERF_TYPE_SOFTWARE = 1;
    public static final int PERF_TYPE_TRACEPOINT = 2;
    public static final int PERF_TYPE_HW_CACHE = 3;
    public static final int PERF_TYPE_RAW = 4;
    public static final int PERF_TYPE_BREAKPOINT = 5;

    // enum perf_sw_ids: attr.config when attr.type is PERF_TYPE_SOFTWARE
    public static final long PERF_COUNT_SW_CPU_CLOCK = 0;
    public static final long PERF_COUNT_SW_TASK_CLOCK = 1;
    public static final long PERF_COUNT_SW_CONTEXT_SWITCHES = 3;
    public static final long PERF_COUNT_SW_DUMMY = 9;
    public static final long PERF_COUNT_SW_BPF_OUTPUT = 10;

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
    public static final long PERF_FORMAT_TOTAL_TIME_ENABLED = 1L << 0;
    public static final long PERF_FORMAT_TOTAL_TIME_RUNNING = 1L << 1;
    public static final long PERF_FORMAT_ID = 1L << 2;
    public static final long PERF_FORMAT_GROUP = 1L << 3;
    public static final long PERF_FORMAT_LOST = 1L << 4;

    // enum perf_event_type: perf_event_header.type of ring records
    public static final int PERF_RECORD_MMAP = 1;
    public static final int PERF_RECORD_LOST = 2;
    public static final int PERF_RECORD_COMM = 3;
    public static final int PERF_RECORD_EXIT = 4;
    public static final int PERF_RECORD_THROTTLE = 5;
    public static final int PERF_RECORD_UNTHROTTLE = 6;
    public static final int PERF_RECORD_FORK = 7;
    public static final int PERF_RECORD_SAMPLE = 9;
    public static final int PERF_RECORD_LOST_SAMPLES = 13;

    // perf_event_header.misc
    public static final int PERF_RECORD_MISC_CPUMODE_MASK = 7;
    public static final int PERF_RECORD_MISC_KERNEL = 1;
    public static final int PERF_RECORD_MISC_USER = 2;

    /** Size of struct perf_event_header (u32 type, u16 misc, u16 size). */
    public static final int PERF_EVENT_HEADER_SIZE = 8;

    // enum perf_callchain_context: marker entries inside a PERF_SAMPLE_CALLCHAIN list
    public static final long PERF_CONTEXT_HV = -32L;
    public static final long PERF_CONTEXT_KERNEL = -128L;
    public static final long PERF_CONTEXT_USER = -512L;
    public static final long PERF_CONTEXT_GUEST = -2048L;
    public static final long PERF_CONTEXT_GUEST_KERNEL = -2176L;
    public static final long PERF_CONTEXT_GUEST_USER = -2560L;
    /** Callchain entries at or above this (as unsigned) are markers, not addresses. */
    public static final long PERF_CONTEXT_MAX = -4095L;

    // flags argument of perf_event_open(2)
    public static final long PERF_FLAG_FD_NO_GROUP = 1L << 0;
    public static final long PERF_FLAG_FD_OUTPUT = 1L << 1;
    public static final long PERF_FLAG_PID_CGROUP = 1L << 2;
    public static final long PERF_FLAG_FD_CLOEXEC = 1L << 3;

    // attr.clockid values, from include/uapi/linux/time.h
    public static final int CLOCK_REALTIME = 0;
    public static final int CLOCK_MONOTONIC = 1;
    public static final int CLOCK_MONOTONIC_RAW = 4;
    public static final int CLOCK_BOOTTIME = 7;

    /** The ioctl "type" byte of every PERF_EVENT_IOC_* request: '$'. */
    private static final int PERF_IOC_MAGIC = '$';

    /** _IO('$', 0). */
    public static final int PERF_EVENT_IOC_ENABLE = io(PERF_IOC_MAGIC, 0);
    /** _IO('$', 1). */
    public static final int PERF_EVENT_IOC_DISABLE = io(PERF_IOC_MAGIC, 1);
    /** _IO('$', 2). */
    public static final int PERF_EVENT_IOC_REFRESH = io(PERF_IOC_MAGIC, 2);
    /** _IO('$', 3). */
    public static final int PERF_EVENT_IOC_RESET = io(PERF_IOC_MAGIC, 3);
    /** _IOW('$', 4, __u64). */
    public static final int PERF_EVENT_IOC_PERIOD = iow(PERF_IOC_MAGIC, 4, Long.BYTES);
    /** _IO('$', 5). */
    public static final int PERF_EVENT_IOC_SET_OUTPUT = io(PERF_IOC_MAGIC, 5);
    /** _IOW('$', 6, char *): the size field is that of a pointer, 8 on 64-bit. */
    public static final int PERF_EVENT_IOC_SET_FILTER = iow(PERF_IOC_MAGIC, 6, Long.BYTES);
    /** _IOR('$', 7, __u64 *). */
    public static final int PERF_EVENT_IOC_ID = ior(PERF_IOC_MAGIC, 7, Long.BYTES);
    /** _IOW('$', 8, __u32). */
    public static final int PERF_EVENT_IOC_SET_BPF = iow(PERF_IOC_MAGIC, 8, Integer.BYTES);
    /** _IOW('$', 9, __u32). */
    public static final int PERF_EVENT_IOC_PAUSE_OUTPUT = iow(PERF_IOC_MAGIC, 9, Integer.BYTES);

    /** Argument of ENABLE/DISABLE/RESET/REFRESH: apply to the whole group. */
    public static final int PERF_IOC_FLAG_GROUP = 1;

    // asm-generic/ioctl.h: nr in bits 0-7, type in 8-15, size in 16-29, direction in 30-31
    private static final int IOC_NRSHIFT = 0;
    private static final int IOC_TYPESHIFT = 8;
    private static final int IOC_SIZESHIFT = 16;
    private static final int IOC_DIRSHIFT = 30;
    private static final int IOC_NONE = 0;
    private static final int IOC_WRITE = 1;
    private static final int IOC_READ = 2;

    private PerfConstants() {
    }

    private static int ioc(int dir, int type, int nr, int size) {
        return dir << IOC_DIRSHIFT | size << IOC_SIZESHIFT | type << IOC_TYPESHIFT | nr << IOC_NRSHIFT;
    }

    private static int io(int type, int nr) {
        return ioc(IOC_NONE, type, nr, 0);
    }

    private static int iow(int type, int nr, int size) {
        return ioc(IOC_WRITE, type, nr, size);
    }

    private static int ior(int type, int nr, int size) {
        return ioc(IOC_READ, type, nr, size);
    }
}
