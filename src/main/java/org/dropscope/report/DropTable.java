// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

/**
 * Counts drops per key in primitive arrays: an open-addressing table (linear probing, at most half
 * full, doubled when it gets there) over parallel arrays of the key's fields, so that counting
 * allocates nothing until a new key needs room. The key is the raw values a report groups by:
 * location with its origin, reason code, stack id, CPU, protocol, wall-clock second; fields a
 * report does not group by are passed as 0 and so never split a row. One key is remembered, as
 * drops come in bursts from one place. Not thread-safe.
 */
final class DropTable {
    private long[] locations;
    private long[] seconds;
    /** origin &lt;&lt; 32 | cpu &lt;&lt; 16 | protocol: both are u16 in the file. */
    private long[] small;
    private int[] reasons;
    private int[] stacks;
    private long[] counts;
    private boolean[] used;
    private int size;
    private int last = -1;

    DropTable(int capacity) {
        allocate(Integer.highestOneBit(Math.max(16, capacity - 1)) << 1);
    }

    private void allocate(int capacity) {
        locations = new long[capacity];
        seconds = new long[capacity];
        small = new long[capacity];
        reasons = new int[capacity];
        stacks = new int[capacity];
        counts = new long[capacity];
        used = new boolean[capacity];
    }

    /** Packs the fields that fit in one long. */
    static long small(int origin, int cpu, int protocol) {
        return (long) origin << 32 | (cpu & 0xffffL) << 16 | (protocol & 0xffffL);
    }

    /** Adds {@code count} drops to the key's row. */
    void add(long location, int reason, int stack, long small, long second, long count) {
        int i = last;
        if (i < 0 || locations[i] != location || reasons[i] != reason || stacks[i] != stack || this.small[i] != small
                || seconds[i] != second) {
            i = slot(location, reason, stack, small, second);
            last = i;
        }
        counts[i] += count;
    }

    private int slot(long location, int reason, int stack, long small, long second) {
        int mask = used.length - 1;
        long h = location * 0x9E3779B97F4A7C15L + reason * 0xC2B2AE3D27D4EB4FL + stack * 0x165667B19E3779F9L
                + small * 0xD6E8FEB86659FD93L + second * 0xFF51AFD7ED558CCDL;
        int i = (int) (h ^ h >>> 29) & mask;
        while (used[i]) {
            if (locations[i] == location && reasons[i] == reason && stacks[i] == stack && this.small[i] == small
                    && seconds[i] == second) {
                return i;
            }
            i = (i + 1) & mask;
        }
        if (2 * (size + 1) > used.length) {
            grow();
            return slot(location, reason, stack, small, second);
        }
        used[i] = true;
        locations[i] = location;
        reasons[i] = reason;
        stacks[i] = stack;
        this.small[i] = small;
        seconds[i] = second;
        size++;
        return i;
    }

    private void grow() {
        long[] l = locations;
        long[] sec = seconds;
        long[] sm = small;
        int[] r = reasons;
        int[] st = stacks;
        long[] c = counts;
        boolean[] u = used;
        allocate(u.length * 2);
        size = 0;
        last = -1;
        for (int i = 0; i < u.length; i++) {
            if (u[i]) {
                counts[slot(l[i], r[i], st[i], sm[i], sec[i])] = c[i];
            }
        }
    }

    /** Distinct keys counted. */
    int size() {
        return size;
    }

    /** Receives the table's rows. */
    interface RowVisitor {
        void row(long location, int origin, int reason, int stack, int cpu, int protocol, long second, long count);
    }

    /** Hands over every key with its count, in no particular order. */
    void forEach(RowVisitor v) {
        for (int i = 0; i < used.length; i++) {
            if (used[i]) {
                long s = small[i];
                v.row(locations[i], (int) (s >>> 32), reasons[i], stacks[i], (int) (s >>> 16) & 0xffff,
                        (int) s & 0xffff, seconds[i], counts[i]);
            }
        }
    }

    @Override
    public String toString() {
        return "DropTable[" + size + " keys of " + used.length + "]";
    }
}
