// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import org.dropscope.event.DropEvent;
import org.dropscope.event.DropEventSink;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;

/**
 * Drops over the flight recorder's budget, added up per (location, reason, origin) until they are
 * written as counted events: open addressing over parallel arrays, so that adding a drop of a key
 * seen before allocates nothing.
 */
final class CountedDrops {
    private long[] locations = new long[64];
    private int[] reasons = new int[64];
    private byte[] origins = new byte[64];
    private long[] counts = new long[64];
    private boolean[] used = new boolean[64];
    private int size;
    private final DropEvent out = new DropEvent();

    /** Adds {@code e}'s drops to its key's count. */
    void add(DropEvent e) {
        int mask = counts.length - 1;
        byte origin = (byte) e.origin().code();
        int i = slot(e.location(), e.reason(), origin, mask);
        while (used[i]) {
            if (locations[i] == e.location() && reasons[i] == e.reason() && origins[i] == origin) {
                counts[i] += e.count();
                return;
            }
            i = (i + 1) & mask;
        }
        locations[i] = e.location();
        reasons[i] = e.reason();
        origins[i] = origin;
        counts[i] = e.count();
        used[i] = true;
        if (++size * 2 > counts.length) {
            grow();
        }
    }

    /** Whether nothing is counted. */
    boolean isEmpty() {
        return size == 0;
    }

    /**
     * Writes one counted event per key to {@code sink}, at {@code timeNanos}, and forgets them.
     *
     * @param cpu the CPU the events name
     */
    void drain(DropEventSink sink, long timeNanos, int cpu) {
        if (size == 0) {
            return;
        }
        for (int i = 0; i < counts.length; i++) {
            if (used[i]) {
                sink.drop(out.set(timeNanos, cpu, DropOrigin.ofCode(origins[i]), locations[i], reasons[i],
                        DropSink.NO_STACK, counts[i]));
                used[i] = false;
            }
        }
        size = 0;
    }

    private void grow() {
        long[] l = locations;
        int[] r = reasons;
        byte[] o = origins;
        long[] c = counts;
        boolean[] u = used;
        int n = c.length * 2;
        locations = new long[n];
        reasons = new int[n];
        origins = new byte[n];
        counts = new long[n];
        used = new boolean[n];
        int mask = n - 1;
        for (int j = 0; j < c.length; j++) {
            if (u[j]) {
                int i = slot(l[j], r[j], o[j], mask);
                while (used[i]) {
                    i = (i + 1) & mask;
                }
                locations[i] = l[j];
                reasons[i] = r[j];
                origins[i] = o[j];
                counts[i] = c[j];
                used[i] = true;
            }
        }
    }

    private static int slot(long location, int reason, byte origin, int mask) {
        long h = (location ^ ((long) reason << 40) ^ origin) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }
}
