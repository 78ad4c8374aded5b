// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A file descriptor this process owns and closes exactly once (close(2)). After {@link #close()},
 * {@link #fd()} is -1, so every later call fails with EBADF rather than acting on a descriptor
 * number the process may have reused.
 */
abstract class OwnedFd implements AutoCloseable {
    private final AtomicInteger fd;

    OwnedFd(int fd) {
        this.fd = new AtomicInteger(fd);
    }

    /** The descriptor, or -1 once closed. */
    public int fd() {
        return fd.get();
    }

    /** Closes the descriptor once; later calls do nothing. Never throws. */
    @Override
    public void close() {
        int f = fd.getAndSet(-1);
        if (f >= 0) {
            // The descriptor is released whatever close(2) reports; EBADF would mean someone else
            // closed it, which nothing here can repair.
            Native.close(f);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[fd=" + fd.get() + ']';
    }
}
