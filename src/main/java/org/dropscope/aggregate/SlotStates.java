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
 *
 * <p>Each claim gets an ordinal, 0, 1, 2, ... in the order slots were claimed, which a READY slot
 * keeps: a table can store its keys densely by ordinal instead of by slot.
 */
final class SlotStates {
    private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(int[].class);
    // A slot's state: EMPTY, CLAIMED, or READY as its ordinal + 1.
    private static final int EMPTY = 0;
    private static final int CLAIMED = -1;

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
        return (int) STATE.getAcquire(state, i) > EMPTY;
    }

    /** The ordinal of slot {@code i}'s claim if its key is published, else -1. */
    int ordinal(int i) {
        return Math.max((int) STATE.getAcquire(state, i), EMPTY) - 1;
    }

    /**
     * For a probe at slot {@code i}: claims it if it is empty and the table has room, and returns
     * the claim's ordinal (below the capacity: the caller writes its key, then calls
     * {@link #publish}); otherwise waits until its key is readable and returns -1: the caller
     * compares keys, or, if the slot is still empty ({@link #isReady} false), knows the table is
     * full.
     */
    int claimOrAwait(int i) {
        int s = (int) STATE.getAcquire(state, i);
        if (s == EMPTY) {
            if (size.get() >= maxSize) {
                return -1;
            }
            if (STATE.compareAndSet(state, i, EMPTY, CLAIMED)) {
                // Racing claims may pass the size check together: at most one per thread beyond
                // maxSize, so ordinals stay below the capacity while threads are fewer than a quarter of it.
                return size.getAndIncrement();
            }
            s = (int) STATE.getAcquire(state, i);
        }
        while (s == CLAIMED) {
            // Another thread is filling in this slot's key: a handful of plain stores away.
            Thread.onSpinWait();
            s = (int) STATE.getAcquire(state, i);
        }
        return -1;
    }

    /** Makes the key written after a successful claim (of ordinal {@code ordinal}) visible to all threads. */
    void publish(int i, int ordinal) {
        STATE.setRelease(state, i, ordinal + 1);
    }
}
