// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

/**
 * A map from long to long with open addressing and linear probing, for a per-event lookup that
 * must not allocate: no boxing, and a resize only when a new key fills it past half. Any key,
 * 0 included. Not thread-safe.
 */
final class LongLongMap {
    private long[] keys;
    private long[] values;
    private boolean[] used;
    private int size;

    LongLongMap(int capacity) {
        int n = Integer.highestOneBit(Math.max(4, capacity) * 2 - 1);
        keys = new long[n];
        values = new long[n];
        used = new boolean[n];
    }

    /** The value of {@code key}, or {@code absent}. */
    long get(long key, long absent) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask); used[i]; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return values[i];
            }
        }
        return absent;
    }

    /** Sets the value of {@code key}. */
    void put(long key, long value) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (used[i] && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (!used[i]) {
            used[i] = true;
            keys[i] = key;
            size++;
        }
        values[i] = value;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] k = keys;
        long[] v = values;
        boolean[] u = used;
        keys = new long[k.length * 2];
        values = new long[k.length * 2];
        used = new boolean[k.length * 2];
        size = 0;
        for (int i = 0; i < k.length; i++) {
            if (u[i]) {
                put(k[i], v[i]);
            }
        }
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
