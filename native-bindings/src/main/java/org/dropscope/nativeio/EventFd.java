// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * An eventfd(2) counter, non-blocking and close-on-exec: one thread {@link #signal()}s it to wake
 * another thread that polls it with a {@link Poller}, which then {@link #drain()}s it.
 */
public final class EventFd extends OwnedFd {

    // include/uapi/linux/eventfd.h: the O_CLOEXEC and O_NONBLOCK values of x86_64 and arm64
    static final int EFD_CLOEXEC = 02000000;
    static final int EFD_NONBLOCK = 04000;

    private static final int COUNTER_SIZE = Long.BYTES;

    /** Holds the u64 1 that every signal writes; never modified, so shared by all signalling threads. */
    private final ByteBuffer one;
    private final long oneAddress;
    /** Receives the counter; guarded by {@code this}. */
    private final ByteBuffer counter;
    private final long counterAddress;

    private EventFd(int fd) {
        super(fd);
        one = Native.allocateDirect(COUNTER_SIZE).putLong(0, 1L);
        oneAddress = Native.address(one);
        counter = Native.allocateDirect(COUNTER_SIZE);
        counterAddress = Native.address(counter);
    }

    public static EventFd create() throws NativeException {
        return new EventFd(Native.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    }

    /** Adds one to the counter, making the descriptor readable. Safe from any thread. */
    public void signal() throws NativeException {
        long n = Native.write(fd(), oneAddress, COUNTER_SIZE);
        Reference.reachabilityFence(one);
        // EAGAIN: the counter is at its maximum, so the descriptor is readable already.
        if (n < 0 && n != -Errno.EAGAIN) {
            throw new NativeException("write(2)", (int) -n, "eventfd " + fd());
        }
    }

    /**
     * Resets the counter to zero.
     *
     * @return how many signals arrived since the last drain; 0 if none
     */
    public synchronized long drain() throws NativeException {
        long n = Native.read(fd(), counterAddress, COUNTER_SIZE);
        Reference.reachabilityFence(counter);
        if (n == -Errno.EAGAIN) {
            return 0;
        }
        if (n < 0) {
            throw new NativeException("read(2)", (int) -n, "eventfd " + fd());
        }
        return counter.getLong(0);
    }
}
