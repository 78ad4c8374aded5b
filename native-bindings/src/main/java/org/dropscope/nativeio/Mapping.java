// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A shared memory mapping made by mmap(2), released by munmap(2) on {@link #close()}.
 *
 * <p>The buffers handed out do not keep the mapping alive and are not invalidated by close: any
 * access through one after close crashes the JVM. Close a mapping only once its reader has stopped.
 */
public final class Mapping implements AutoCloseable {
    private final long address;
    private final long length;
    private final ByteBuffer buffer;
    private final AtomicBoolean open = new AtomicBoolean(true);

    Mapping(long address, long length) {
        this.address = address;
        this.length = length;
        this.buffer = Native.wrap(address, Math.toIntExact(length));
    }

    /**
     * A direct buffer over the whole mapping, position 0, limit {@link #length()}, independent of
     * other callers' buffers. Its byte order is Java's default; readers state the order at each
     * access.
     *
     * @throws IllegalStateException once the mapping is closed
     */
    public ByteBuffer buffer() {
        if (!open.get()) {
            throw new IllegalStateException("mapping at 0x" + Long.toHexString(address) + " is unmapped");
        }
        return buffer.duplicate();
    }

    public long length() {
        return length;
    }

    public boolean isOpen() {
        return open.get();
    }

    /** Unmaps once; later calls do nothing. Never throws. */
    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            // munmap(2) fails only for arguments that did not come from mmap(2).
            Native.munmap(address, length);
        }
    }

    @Override
    public String toString() {
        return "Mapping[0x" + Long.toHexString(address) + ", " + length + " bytes" + (isOpen() ? "" : ", closed") + ']';
    }
}
