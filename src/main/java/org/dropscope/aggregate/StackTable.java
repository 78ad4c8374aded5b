// SPDX-License-Identifier: Apache-2.0
package org.dropscope.aggregate;

import java.util.Arrays;

/**
 * Interns kernel call chains into small integer ids, lock-free, so that a drop can be counted
 * per stack without keeping a copy of the chain per event.
 *
 * <p>A chain is stored once, when it is first seen (the only allocation); later sightings hash
 * the caller's scratch array and compare it with the stored copy. Ids are slot numbers and stay
 * valid for the table's life. The chain is whatever the source hands in: for perf it is the
 * kernel part of {@code PERF_SAMPLE_CALLCHAIN} without the {@code PERF_CONTEXT_*} markers.
 */
public final class StackTable {
    private final int mask;
    private final SlotStates states;
    private final int[] hashes;
    private final long[][] chains;

    /** @param capacity a power of two; at most three quarters of it is filled */
    public StackTable(int capacity) {
        states = new SlotStates(capacity);
        mask = capacity - 1;
        hashes = new int[capacity];
        chains = new long[capacity][];
    }

    /**
     * The id of the chain {@code ips[0..depth)}, innermost frame first; -1 when the table is full.
     * The caller may reuse {@code ips} afterwards.
     */
    public int intern(long[] ips, int depth) {
        int h = hash(ips, depth);
        int i = h & mask;
        for (int probes = 0; probes <= mask; probes++, i = (i + 1) & mask) {
            int ordinal = states.claimOrAwait(i);
            if (ordinal >= 0) {
                hashes[i] = h;
                chains[i] = Arrays.copyOf(ips, depth);
                states.publish(i, ordinal);
                return i;
            }
            if (!states.isReady(i)) {
                return -1;
            }
            if (hashes[i] == h && Arrays.equals(chains[i], 0, chains[i].length, ips, 0, depth)) {
                return i;
            }
        }
        return -1;
    }

    /** The chain with this id (a copy), or an empty array for an unknown id. */
    public long[] chain(int id) {
        if (id < 0 || id > mask || !states.isReady(id)) {
            return new long[0];
        }
        return chains[id].clone();
    }

    /** Number of distinct chains interned. */
    public int size() {
        return states.size();
    }

    private static int hash(long[] ips, int depth) {
        long h = depth;
        for (int k = 0; k < depth; k++) {
            h = (h ^ ips[k]) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 31;
        }
        return (int) (h ^ (h >>> 32));
    }
}
