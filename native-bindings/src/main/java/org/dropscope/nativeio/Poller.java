// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * poll(2) over a fixed set of descriptors, each watched for POLLIN. The struct pollfd array is
 * built once; {@link #poll(int)} allocates nothing.
 *
 * <p>Not thread-safe: one thread polls and then asks {@link #readable(int)} and friends about the
 * result of its last poll. To wake it from another thread, include an {@link EventFd}.
 */
public final class Poller {

    // include/uapi/asm-generic/poll.h
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    // struct pollfd { int fd; short events; short revents; }
    static final int POLLFD_SIZE = 8;
    static final int POLLFD_FD_OFFSET = 0;
    static final int POLLFD_EVENTS_OFFSET = 4;
    static final int POLLFD_REVENTS_OFFSET = 6;

    private final ByteBuffer pollfds;
    private final long address;
    private final int count;

    /**
     * @param fds the descriptors, in index order; a negative one is ignored by poll(2) and never
     *     reported ready
     */
    public Poller(int... fds) {
        count = fds.length;
        pollfds = Native.allocateDirect(Math.max(1, count) * POLLFD_SIZE);
        address = Native.address(pollfds);
        for (int i = 0; i < count; i++) {
            pollfds.putInt(i * POLLFD_SIZE + POLLFD_FD_OFFSET, fds[i]);
            pollfds.putShort(i * POLLFD_SIZE + POLLFD_EVENTS_OFFSET, POLLIN);
        }
    }

    /**
     * Waits until a descriptor is ready or the timeout passes. An interrupted wait (EINTR) is
     * resumed with the time that is left.
     *
     * @param timeoutMillis how long to wait: 0 returns at once, a negative value waits forever
     * @return how many descriptors have events; 0 on timeout
     */
    public int poll(int timeoutMillis) throws NativeException {
        try {
            return Native.poll(address, count, timeoutMillis);
        } finally {
            Reference.reachabilityFence(pollfds);
        }
    }

    /** How many descriptors this poller watches. */
    public int size() {
        return count;
    }

    /** The descriptor at {@code index}. */
    public int fd(int index) {
        return pollfds.getInt(offset(index) + POLLFD_FD_OFFSET);
    }

    /** Whether the last poll found data to read (POLLIN). */
    public boolean readable(int index) {
        return (revents(index) & POLLIN) != 0;
    }

    /**
     * Whether the last poll found the other end gone (POLLHUP). For a perf event this means the
     * monitored task has exited, except that an event without a mapped ring reports POLLHUP always
     * (perf_poll() in kernel/events/core.c).
     */
    public boolean hungUp(int index) {
        return (revents(index) & POLLHUP) != 0;
    }

    /** Whether the last poll found an error (POLLERR) or a descriptor that is not open (POLLNVAL). */
    public boolean error(int index) {
        return (revents(index) & (POLLERR | POLLNVAL)) != 0;
    }

    private int revents(int index) {
        return pollfds.getShort(offset(index) + POLLFD_REVENTS_OFFSET);
    }

    private int offset(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("index " + index + " (expected: 0-" + (count - 1) + ")");
        }
        return index * POLLFD_SIZE;
    }
}
