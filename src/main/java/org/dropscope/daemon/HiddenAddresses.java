// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.names.DropNames;
import org.dropscope.names.Location;
import org.dropscope.names.Symbol;

/**
 * Kernel text addresses made up for a client that is not root, so that no real one (which KASLR
 * keeps from unprivileged users) leaves the daemon: each symbol a drop or stack frame falls in gets
 * a made-up start, {@code (n + 1) << 32} for the n-th symbol this client's stream meets, and an
 * address keeps its offset in its symbol; an address no symbol names gets a start of its own.
 * Names, offsets and sizes stay as they are, so a client's view reads the same as root's.
 *
 * <p>It is both what translates the stream's events ({@link #hide}) and the {@link DropNames} its
 * writer asks about the made-up addresses. On the daemon's reader thread only; allocation per
 * event only for an address not seen before.
 */
final class HiddenAddresses implements DropNames {
    private static final int SHIFT = 32;
    private static final long OFFSET_MASK = (1L << SHIFT) - 1;
    private final DropNames real;
    private final LongLongMap madeUp = new LongLongMap(256);
    private final LongLongMap slotOfStart = new LongLongMap(256);
    private final DropEvent copy = new DropEvent();
    private long[] starts = new long[64];
    private boolean[] named = new boolean[64];
    private int slots;

    /** @param real the daemon's names, over real addresses */
    HiddenAddresses(DropNames real) {
        this.real = real;
    }

    /**
     * {@code e} with its location made up (a hardware drop's location is a trap id, kept); the
     * returned event is reused by the next call.
     */
    DropEvent hide(DropEvent e) {
        if (e.origin() == DropOrigin.HARDWARE) {
            return e;
        }
        return copy.set(e.timeNanos(), e.cpu(), e.origin(), madeUp(e.location()), e.reason(), e.stackId(), e.count())
                .packet(e.protocol(), e.ifindex(), e.originalLength());
    }

    /** The made-up address of a real one, the same every time. */
    long madeUp(long pc) {
        long m = madeUp.get(pc, 0);
        if (m != 0) {
            return m;
        }
        Symbol s = real.symbolAt(pc);
        long start = s == null || s.offset() < 0 || s.offset() > OFFSET_MASK ? pc : pc - s.offset();
        long slot = slotOfStart.get(start, -1);
        if (slot < 0) {
            slot = slots++;
            if (slot == starts.length) {
                starts = Arrays.copyOf(starts, starts.length * 2);
                named = Arrays.copyOf(named, named.length * 2);
            }
            starts[(int) slot] = start;
            named[(int) slot] = s != null;
            slotOfStart.put(start, slot);
        }
        m = ((slot + 1) << SHIFT) + (pc - start);
        madeUp.put(pc, m);
        return m;
    }

    /** The real address behind a made-up one, or -1 for an address this map did not make. */
    private long real(long madeUpPc) {
        long slot = (madeUpPc >>> SHIFT) - 1;
        return slot < 0 || slot >= slots ? -1 : starts[(int) slot] + (madeUpPc & OFFSET_MASK);
    }

    private boolean named(long madeUpPc) {
        long slot = (madeUpPc >>> SHIFT) - 1;
        return slot >= 0 && slot < slots && named[(int) slot];
    }

    @Override
    public Symbol symbolAt(long pc) {
        return named(pc) ? real.symbolAt(real(pc)) : null;
    }

    @Override
    public String symbol(long pc) {
        return named(pc) ? real.symbol(real(pc)) : null;
    }

    @Override
    public String reason(int code) {
        return real.reason(code);
    }

    @Override
    public String trap(int id) {
        return real.trap(id);
    }

    /** A stack's frames at made-up addresses, with their real names. */
    @Override
    public List<Location> stack(int id) {
        List<Location> frames = real.stack(id);
        if (frames == null) {
            return null;
        }
        List<Location> hidden = new ArrayList<>(frames.size());
        for (Location f : frames) {
            hidden.add(new Location(madeUp(f.pc()), f.symbol()));
        }
        return hidden;
    }
}
