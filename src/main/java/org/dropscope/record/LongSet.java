// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

/**
 * A set of longs in one open-addressing array, for the writer's "already written" sets: a lookup
 * of a present value allocates nothing; the array doubles at 3/4 full. Not thread-safe.
 */
final class LongSet {
    private static final long EMPTY = 0;
    private long[] slots;
    private boolean hasZero;
    private int size;

    LongSet(int capacity) {
        slots = new long[Integer.highestOneBit(Math.max(4, capacity) * 2 - 1)];
    }

    /** Adds {@code v}; true if it was not there before. */
    boolean add(long v) {
        if (v == EMPTY) {
            boolean added = !hasZero;
            hasZero = true;
            return added;
        }
        int mask = slots.length - 1;
        for (int i = mix(v) & mask;; i = (i + 1) & mask) {
            long s = slots[i];
            if (s == v) {
                return false;
            }
            if (s == EMPTY) {
                slots[i] = v;
                if (++size * 4 >= slots.length * 3) {
                    grow();
                }
                return true;
            }
        }
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        size = 0;
        for (long v : old) {
            if (v != EMPTY) {
                add(v);
            }
        }
    }

    private static int mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
