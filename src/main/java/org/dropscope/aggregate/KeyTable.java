// SPDX-License-Identifier: Apache-2.0
package org.dropscope.aggregate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The set of drop keys (origin, location, reason, stack) seen so far, each given a slot number
 * that counters are indexed by. Lock-free: any number of threads may call {@link #slotOf}
 * concurrently, and readers may read keys of published slots at any time.
 *
 * <p>Open addressing with linear probing over parallel primitive arrays. A slot goes
 * EMPTY → CLAIMED (one thread won the CAS and is writing the key) → READY (key published with a
 * release store). Slots are never removed, so a slot number stays valid for the table's life and
 * lookups of known keys never allocate or write shared memory.
 */
final class KeyTable {
    private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int EMPTY = 0;
    private static final int CLAIMED = 1;
    private static final int READY = 2;

    private final int mask;
    private final int maxSize;
    private final int[] state;
    private final long[] locations;
    private final int[] reasons;
    private final int[] stacks;
    private final byte[] origins;
    private final AtomicInteger size = new AtomicInteger();

    /** @param capacity a power of two; at most three quarters of it is filled */
    KeyTable(int capacity) {
        if (capacity < 4 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 4: " + capacity);
        }
        mask = capacity - 1;
        maxSize = capacity - capacity / 4;
        state = new int[capacity];
        locations = new long[capacity];
        reasons = new int[capacity];
        stacks = new int[capacity];
        origins = new byte[capacity];
    }

    int capacity() {
        return mask + 1;
    }

    /** Number of slots taken; slots are not numbered densely, so iterate {@link #capacity()}. */
    int size() {
        return size.get();
    }

    /** The slot of this key, claiming a new one if needed; -1 when the table is full. */
    int slotOf(byte origin, long location, int reason, int stack) {
        int i = hash(origin, location, reason, stack) & mask;
        for (int probes = 0; probes <= mask; probes++, i = (i + 1) & mask) {
            int s = (int) STATE.getAcquire(state, i);
            if (s == EMPTY) {
                if (size.get() >= maxSize) {
                    return -1;
                }
                if (STATE.compareAndSet(state, i, EMPTY, CLAIMED)) {
                    size.incrementAndGet();
                    locations[i] = location;
                    reasons[i] = reason;
                    stacks[i] = stack;
                    origins[i] = origin;
                    STATE.setRelease(state, i, READY);
                    return i;
                }
                s = (int) STATE.getAcquire(state, i);
            }
            while (s == CLAIMED) {
                // Another writer is filling in this slot's key: a handful of plain stores away.
                Thread.onSpinWait();
                s = (int) STATE.getAcquire(state, i);
            }
            if (locations[i] == location && reasons[i] == reason && stacks[i] == stack
                    && origins[i] == origin) {
                return i;
            }
        }
        return -1;
    }

    /** Whether slot {@code i} holds a published key. */
    boolean isReady(int i) {
        return (int) STATE.getAcquire(state, i) == READY;
    }

    long location(int i) {
        return locations[i];
    }

    int reason(int i) {
        return reasons[i];
    }

    int stack(int i) {
        return stacks[i];
    }

    byte origin(int i) {
        return origins[i];
    }

    private static int hash(byte origin, long location, int reason, int stack) {
        long h = location * 0x9E3779B97F4A7C15L;
        h ^= ((long) reason << 32 | (stack & 0xffffffffL)) * 0xC2B2AE3D27D4EB4FL;
        h ^= origin;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }
}
