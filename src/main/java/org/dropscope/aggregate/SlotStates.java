// SPDX-License-Identifier: Apache-2.0
package org.dropscope.aggregate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The publication protocol shared by the lock-free interning tables: each slot goes EMPTY →
 * CLAIMED (one thread won the CAS and is writing the key) → READY (key published with a release
 * store), and never back. A reader that sees READY with acquire ordering sees the whole key.
 * At most three quarters of the slots are ever claimed, so probe sequences stay short.
 */
final class SlotStates {
    private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int EMPTY = 0;
    private static final int CLAIMED = 1;
    private static final int READY = 2;

    private final int[] state;
    private final int maxSize;
    private final AtomicInteger size = new AtomicInteger();

    /** @param capacity a power of two, at least 4 */
    SlotStates(int capacity) {
        if (capacity < 4 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 4: " + capacity);
        }
        state = new int[capacity];
        maxSize = capacity - capacity / 4;
    }

    int size() {
        return size.get();
    }

    boolean isReady(int i) {
        return (int) STATE.getAcquire(state, i) == READY;
    }

    /**
     * For a probe at slot {@code i}: claims it if it is empty and the table has room (returns
     * {@code true}: the caller writes its key, then calls {@link #publish}); otherwise waits until
     * its key is readable and returns {@code false}: the caller compares keys, or, if the slot
     * is still empty ({@link #isReady} false), knows the table is full.
     */
    boolean claimOrAwait(int i) {
        int s = (int) STATE.getAcquire(state, i);
        if (s == EMPTY) {
            if (size.get() >= maxSize) {
                return false;
            }
            if (STATE.compareAndSet(state, i, EMPTY, CLAIMED)) {
                size.incrementAndGet();
                return true;
            }
            s = (int) STATE.getAcquire(state, i);
        }
        while (s == CLAIMED) {
            // Another thread is filling in this slot's key: a handful of plain stores away.
            Thread.onSpinWait();
            s = (int) STATE.getAcquire(state, i);
        }
        return false;
    }

    /** Makes the key written after a successful claim visible to all threads. */
    void publish(int i) {
        STATE.setRelease(state, i, READY);
    }
}
