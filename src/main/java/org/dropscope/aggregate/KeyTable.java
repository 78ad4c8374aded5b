// SPDX-License-Identifier: Apache-2.0
package org.dropscope.aggregate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The set of drop keys (origin, location, reason, stack) seen so far, each given a key number
 * that counters are indexed by. Lock-free: any number of threads may call {@link #keyOf}
 * concurrently, and readers may read the key of any number {@link #keyOf} has returned.
 *
 * <p>Open addressing with linear probing over one {@code int} per slot ({@link SlotStates}, which
 * also numbers the claims). Key numbers are dense, 0, 1, 2, ... in the order keys were first seen,
 * and the keys are stored by number, three longs each (one array to compare, not four), in blocks
 * of {@link #blockLength()} made when the first key of a block is: the table costs 4 bytes a slot
 * plus 24 bytes a key held, not 25 bytes a slot. Keys are never removed, so a number stays valid for the table's life and
 * lookups of known keys never allocate or write shared memory.
 */
final class KeyTable {
    private static final int MAX_BLOCK = 1 << 10;
    private static final VarHandle BLOCK = MethodHandles.arrayElementVarHandle(long[][].class);
    /** Words per key in a block: the location, the reason and stack, the origin. */
    private static final int WORDS = 3;

    private final int mask;
    private final int blockShift;
    private final int blockMask;
    private final SlotStates states;
    /** Keys by number, {@link #WORDS} longs each, in blocks made on first use; written once per number, before publication. */
    private final long[][] blocks;

    /** @param capacity a power of two; at most three quarters of it is filled */
    KeyTable(int capacity) {
        states = new SlotStates(capacity);
        mask = capacity - 1;
        int length = Math.min(capacity, MAX_BLOCK);
        blockShift = Integer.numberOfTrailingZeros(length);
        blockMask = length - 1;
        // One block more than the slots: claims racing past three quarters number a few keys beyond.
        blocks = new long[capacity / length + 1][];
    }

    /** Keys are numbered below this bound: a counter array or directory sized to it fits every number. */
    int numberBound() {
        return blocks.length << blockShift;
    }

    /** Keys per block; a power of two. Counters indexed by key number may be made per block as well. */
    int blockLength() {
        return blockMask + 1;
    }

    /** The block key number {@code key} falls in. */
    int blockOf(int key) {
        return key >>> blockShift;
    }

    /** How many keys the table holds (numbers below it have been handed out, or are about to be). */
    int size() {
        return states.size();
    }

    /** The number of this key, numbering it if it is new; -1 when the table is full. */
    int keyOf(byte origin, long location, int reason, int stack) {
        long reasonStack = (long) reason << 32 | (stack & 0xffffffffL);
        int i = hash(origin, location, reasonStack) & mask;
        for (int probes = 0; probes <= mask; probes++, i = (i + 1) & mask) {
            int claimed = states.claimOrAwait(i);
            if (claimed >= 0) {
                long[] b = blockFor(claimed);
                int at = (claimed & blockMask) * WORDS;
                b[at] = location;
                b[at + 1] = reasonStack;
                b[at + 2] = origin;
                states.publish(i, claimed);
                return claimed;
            }
            int k = states.ordinal(i);
            if (k < 0) {
                return -1;
            }
            long[] b = block(k);
            int at = (k & blockMask) * WORDS;
            if (b[at] == location && b[at + 1] == reasonStack && b[at + 2] == origin) {
                return k;
            }
        }
        return -1;
    }

    long location(int key) {
        return word(key, 0);
    }

    int reason(int key) {
        return (int) (word(key, 1) >>> 32);
    }

    int stack(int key) {
        return (int) word(key, 1);
    }

    byte origin(int key) {
        return (byte) word(key, 2);
    }

    /** How many blocks of keys have been made (for tests: the table's size follows what it holds). */
    int blocksMade() {
        int n = 0;
        for (int b = 0; b < blocks.length; b++) {
            n += BLOCK.getAcquire(blocks, b) != null ? 1 : 0;
        }
        return n;
    }

    private long word(int key, int w) {
        return block(key)[(key & blockMask) * WORDS + w];
    }

    private long[] block(int key) {
        return (long[]) BLOCK.getAcquire(blocks, key >>> blockShift);
    }

    /** The block of a number just claimed, made if this is its first; threads racing to make it agree on one. */
    private long[] blockFor(int key) {
        int b = key >>> blockShift;
        long[] existing = (long[]) BLOCK.getAcquire(blocks, b);
        if (existing != null) {
            return existing;
        }
        long[] made = new long[blockLength() * WORDS];
        long[] witness = (long[]) BLOCK.compareAndExchange(blocks, b, null, made);
        return witness != null ? witness : made;
    }

    private static int hash(byte origin, long location, long reasonStack) {
        long h = location * 0x9E3779B97F4A7C15L;
        h ^= reasonStack * 0xC2B2AE3D27D4EB4FL;
        h ^= origin;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }
}
