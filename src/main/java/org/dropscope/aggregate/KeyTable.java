// SPDX-License-Identifier: Apache-2.0
package org.dropscope.aggregate;

/**
 * The set of drop keys (origin, location, reason, stack) seen so far, each given a slot number
 * that counters are indexed by. Lock-free: any number of threads may call {@link #slotOf}
 * concurrently, and readers may read keys of published slots at any time.
 *
 * <p>Open addressing with linear probing over parallel primitive arrays, published with the
 * {@link SlotStates} protocol. Slots are never removed, so a slot number stays valid for the
 * table's life and lookups of known keys never allocate or write shared memory.
 */
final class KeyTable {
    private final int mask;
    private final SlotStates states;
    private final long[] locations;
    private final int[] reasons;
    private final int[] stacks;
    private final byte[] origins;

    /** @param capacity a power of two; at most three quarters of it is filled */
    KeyTable(int capacity) {
        states = new SlotStates(capacity);
        mask = capacity - 1;
        locations = new long[capacity];
        reasons = new int[capacity];
        stacks = new int[capacity];
        origins = new byte[capacity];
    }

    int capacity() {
        return mask + 1;
    }

    /** The slot of this key, claiming a new one if needed; -1 when the table is full. */
    int slotOf(byte origin, long location, int reason, int stack) {
        int i = hash(origin, location, reason, stack) & mask;
        for (int probes = 0; probes <= mask; probes++, i = (i + 1) & mask) {
            if (states.claimOrAwait(i)) {
                locations[i] = location;
                reasons[i] = reason;
                stacks[i] = stack;
                origins[i] = origin;
                states.publish(i);
                return i;
            }
            if (!states.isReady(i)) {
                return -1;
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
        return states.isReady(i);
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
