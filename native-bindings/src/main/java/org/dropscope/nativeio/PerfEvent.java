// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.Pointer;

/**
 * A perf event file descriptor, from perf_event_open(2).
 *
 * <p>Closing the descriptor does not unmap a {@link Mapping} made from it: the kernel keeps the
 * event alive while it is mapped, so close both. After {@link #close()} every method fails with
 * EBADF rather than touching a descriptor number the process may have reused.
 */
public final class PerfEvent extends OwnedFd {

    // include/uapi/linux/perf_event.h, checked by LayoutCheckTest. The only copy of these values:
    // the perf package makes these calls through this class's methods, never by number.
    static final long PERF_FLAG_FD_CLOEXEC = 1L << 3;
    static final int PERF_EVENT_IOC_ENABLE = 0x2400;      // _IO('$', 0)
    static final int PERF_EVENT_IOC_DISABLE = 0x2401;     // _IO('$', 1)
    static final int PERF_EVENT_IOC_RESET = 0x2403;       // _IO('$', 3)
    static final int PERF_EVENT_IOC_SET_FILTER = 0x40082406; // _IOW('$', 6, char *)
    static final int PERF_EVENT_IOC_SET_OUTPUT = 0x2405;  // _IO('$', 5)
    static final int PERF_EVENT_IOC_ID = 0x80082407;      // _IOR('$', 7, __u64 *)

    /** PERF_ATTR_SIZE_VER0: an attr.size of 0 means this many bytes. */
    static final int PERF_ATTR_SIZE_VER0 = 64;
    private static final int ATTR_SIZE_OFFSET = 4;

    // mmap(2) arguments, from include/uapi/asm-generic/mman-common.h and linux/mman.h
    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_SHARED = 0x01;

    private PerfEvent(int fd) {
        super(fd);
    }

    /**
     * Opens an event. PERF_FLAG_FD_CLOEXEC is always added to {@code flags}.
     *
     * @param attr the encoded struct perf_event_attr between position and limit, heap or direct;
     *     it is copied and left unchanged
     * @param pid the thread to monitor, 0 for the caller, -1 for all (with a cpu)
     * @param cpu the cpu to monitor, or -1 for any (with a pid)
     * @param groupFd the group leader's fd, or -1
     * @throws IllegalArgumentException if the attr's own size field asks for more bytes than given
     *     (the kernel would read past them)
     * @throws NativeException with EACCES or EPERM for a missing privilege, ENOENT for an unknown
     *     event, E2BIG or EINVAL for an attr the kernel rejects
     */
    public static PerfEvent open(ByteBuffer attr, int pid, int cpu, int groupFd, long flags)
            throws NativeException {
        int len = attr.remaining();
        if (len < ATTR_SIZE_OFFSET + Integer.BYTES) {
            throw new IllegalArgumentException("perf_event_attr of " + len + " bytes (expected: 8+ bytes)");
        }
        int declared = attr.duplicate().order(ByteOrder.nativeOrder()).getInt(attr.position() + ATTR_SIZE_OFFSET);
        int read = declared == 0 ? PERF_ATTR_SIZE_VER0 : declared;
        if (Integer.compareUnsigned(read, len) > 0) {
            throw new IllegalArgumentException("perf_event_attr.size " + Integer.toUnsignedString(declared)
                    + " exceeds the " + len + " bytes given");
        }
        byte[] bytes = new byte[len];
        attr.duplicate().get(bytes);
        Pointer memory = Native.allocate(len);
        memory.put(0, bytes, 0, len);
        try {
            return new PerfEvent(Native.perfEventOpen(memory.address(), pid, cpu, groupFd,
                    flags | PERF_FLAG_FD_CLOEXEC));
        } catch (NativeException e) {
            if (e.errno() != Errno.E2BIG) {
                throw e;
            }
            // perf_copy_attr() writes the size it supports back into attr.size before failing.
            NativeException detailed = new NativeException(e.call(), e.errno(), join(e.context(),
                    "attr.size " + Integer.toUnsignedString(declared) + ", kernel's "
                            + Integer.toUnsignedString(memory.getInt(ATTR_SIZE_OFFSET))));
            detailed.initCause(e);
            throw detailed;
        } finally {
            Reference.reachabilityFence(memory);
        }
    }

    private static String join(String context, String more) {
        return context == null ? more : context + ", " + more;
    }

    /** PERF_EVENT_IOC_ENABLE: start counting and sampling. */
    public void enable() throws NativeException {
        Native.ioctl(fd(), PERF_EVENT_IOC_ENABLE, 0, "PERF_EVENT_IOC_ENABLE");
    }

    /** PERF_EVENT_IOC_DISABLE: stop counting and sampling. */
    public void disable() throws NativeException {
        Native.ioctl(fd(), PERF_EVENT_IOC_DISABLE, 0, "PERF_EVENT_IOC_DISABLE");
    }

    /** PERF_EVENT_IOC_RESET: set the event count to zero. */
    public void reset() throws NativeException {
        Native.ioctl(fd(), PERF_EVENT_IOC_RESET, 0, "PERF_EVENT_IOC_RESET");
    }

    /**
     * PERF_EVENT_IOC_SET_FILTER: a tracepoint filter in the tracefs syntax, {@code "protocol == 8"}.
     * The kernel answers EINVAL to a filter it cannot parse and to a non-tracepoint event, and
     * EEXIST once the event has a filter: it can be set only once per event.
     *
     * @throws IllegalArgumentException if the filter contains a NUL character
     */
    public void setFilter(String filter) throws NativeException {
        byte[] bytes = Native.cString(filter);
        Pointer memory = Native.allocate(bytes.length);
        memory.put(0, bytes, 0, bytes.length);
        try {
            Native.ioctl(fd(), PERF_EVENT_IOC_SET_FILTER, memory.address(), "PERF_EVENT_IOC_SET_FILTER");
        } finally {
            Reference.reachabilityFence(memory);
        }
    }

    /**
     * PERF_EVENT_IOC_SET_OUTPUT: this event's records go to {@code target}'s ring from now on.
     * perf_event_open(2): both must be on the same CPU, and this event must not be mapped itself.
     */
    public void setOutput(PerfEvent target) throws NativeException {
        Native.ioctl(fd(), PERF_EVENT_IOC_SET_OUTPUT, target.fd(), "PERF_EVENT_IOC_SET_OUTPUT");
    }

    /**
     * PERF_EVENT_IOC_ID: the kernel's id of this event, the value PERF_SAMPLE_IDENTIFIER and
     * PERF_FORMAT_ID carry, which tells apart the samples of events sharing one ring.
     */
    public long id() throws NativeException {
        ByteBuffer out = Native.allocateDirect(Long.BYTES);
        Native.ioctl(fd(), PERF_EVENT_IOC_ID, Native.address(out), "PERF_EVENT_IOC_ID");
        long id = out.getLong(0);
        Reference.reachabilityFence(out);
        return id;
    }

    /**
     * read(2) of the event into {@code words}, without allocating: for a caller that reads the
     * same event every interval. Returns the number of u64 words the kernel wrote.
     *
     * @param words a direct buffer in native byte order, from {@link #readBuffer}
     */
    public int readInto(ByteBuffer words) throws NativeException {
        if (!words.isDirect()) {
            throw new IllegalArgumentException("read buffer must be direct");
        }
        long n = Native.read(fd(), Native.address(words), words.capacity());
        Reference.reachabilityFence(words);
        if (n < 0) {
            throw new NativeException("read(2)", (int) -n, "perf event " + fd());
        }
        return (int) (n / 8);
    }

    /** A buffer for {@link #readInto} of {@code words} u64 words, in native byte order. */
    public static ByteBuffer readBuffer(int words) {
        if (words < 1 || words > 4096) {
            throw new IllegalArgumentException("words " + words + " (expected: 1 to 4096)");
        }
        return Native.allocateDirect(8 * words);
    }

    /**
     * read(2) of the event: the u64 words its {@code read_format} asks for, in the order
     * perf_event_open(2) gives under "Reading results" (for {@code PERF_FORMAT_LOST} alone:
     * the count, then the number of samples lost because the ring was full).
     */
    public long[] read(int words) throws NativeException {
        if (words < 1 || words > 64) {
            throw new IllegalArgumentException("words " + words + " (expected: 1 to 64)");
        }
        ByteBuffer buf = readBuffer(words);
        long[] out = new long[readInto(buf)];
        for (int i = 0; i < out.length; i++) {
            out[i] = buf.getLong(8 * i);
        }
        return out;
    }


    /**
     * Maps the event's ring: {@code length} is one metadata page plus 2<sup>n</sup> data pages
     * (the kernel answers EINVAL otherwise). Read-write, so the reader can publish data_tail and
     * the kernel will not overwrite unread records.
     */
    public Mapping mmap(long length) throws NativeException {
        if (length <= 0 || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("mapping length " + length + " (expected: 1 to 2^31-1)");
        }
        int f = fd();
        return new Mapping(Native.mmap(length, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0), length);
    }
}
