// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out, for code under test that allocates
 * buffers the test never sees (requests, receive buffers). {@link #assertAllReleased()} then
 * checks them all deterministically, where the paranoid leak detector only logs, and only after a
 * garbage collection.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {

    private final List<ByteBuf> allocated = new ArrayList<>();
    private final List<Throwable> where = new ArrayList<>();

    public TrackingAllocator() {
        super(true);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity));
    }

    private ByteBuf track(ByteBuf buf) {
        allocated.add(buf);
        where.add(new Throwable("allocated here"));
        return buf;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** How many buffers were handed out. */
    public int allocations() {
        return allocated.size();
    }

    /** Every buffer handed out has been released. */
    public void assertAllReleased() {
        for (int i = 0; i < allocated.size(); i++) {
            if (allocated.get(i).refCnt() != 0) {
                AssertionError e = new AssertionError("buffer " + i + " of " + allocated.size()
                        + " not released: " + allocated.get(i));
                e.initCause(where.get(i));
                throw e;
            }
        }
        assertEquals(allocated.size(), where.size());
    }
}
