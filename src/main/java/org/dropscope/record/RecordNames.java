// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dropscope.event.DropEvent;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.names.DropNames;
import org.dropscope.names.Location;
import org.dropscope.names.Symbol;

/**
 * What a record file names, collected as it is read: pass it the file's symbol, stack and name
 * records (it is a {@link RecordVisitor} that ignores events, or call its methods from one's own
 * visitor) and ask it about events as they follow. Because the file puts every name before the
 * first event that needs it, answers are complete for each event at the time it is read.
 *
 * <p>Memory grows with the distinct symbols, stacks and names of the file, not with its events.
 * It is the recorded {@link DropNames}: a report names and filters a file's drops with the names
 * the recording machine had. Not thread-safe while records are fed in.
 */
public final class RecordNames implements RecordVisitor, DropNames {
    // Kernel text addresses are in the top half of the address space: ordered unsigned.
    private final TreeMap<Long, KernelSymbol> symbols = new TreeMap<>(Long::compareUnsigned);
    private final Map<Integer, long[]> stacks = new HashMap<>();
    private final Map<Integer, String> reasons = new HashMap<>();
    private final Map<Integer, String> traps = new HashMap<>();

    @Override
    public void symbol(KernelSymbol symbol) {
        symbols.put(symbol.address(), symbol);
    }

    @Override
    public void stack(int stackId, long[] frames) {
        stacks.put(stackId, frames);
    }

    @Override
    public void name(NameKind kind, int code, String name) {
        (kind == NameKind.REASON ? reasons : traps).put(code, name);
    }

    @Override
    public void drop(DropEvent event) {
        // Events are the caller's business.
    }

    /**
     * A visitor that collects names here and hands everything, events included, to {@code next}:
     * {@code reader.read(names.feeding(e -> { if (filter.test(e)) count(e); }))}.
     */
    public RecordVisitor feeding(RecordVisitor next) {
        RecordNames names = this;
        return new RecordVisitor() {
            @Override
            public void symbol(KernelSymbol symbol) {
                names.symbol(symbol);
                next.symbol(symbol);
            }

            @Override
            public void stack(int stackId, long[] frames) {
                names.stack(stackId, frames);
                next.stack(stackId, frames);
            }

            @Override
            public void name(NameKind kind, int code, String name) {
                names.name(kind, code, name);
                next.name(kind, code, name);
            }

            @Override
            public void drop(DropEvent event) {
                next.drop(event);
            }

            @Override
            public void lost(long timeNanos, int cpu, long count) {
                next.lost(timeNanos, cpu, count);
            }
        };
    }

    @Override
    public Symbol symbolAt(long pc) {
        KernelSymbol s = resolve(pc);
        return s == null ? null : s.at(pc);
    }

    @Override
    public String symbol(long pc) {
        KernelSymbol s = resolve(pc);
        return s == null ? null : s.name();
    }

    /** The recorded frames of a stack id, innermost first, or {@code null} for an id the file has not named. */
    @Override
    public List<Location> stack(int stackId) {
        long[] pcs = stacks.get(stackId);
        return pcs == null ? null : locations(pcs);
    }

    @Override
    public String reason(int code) {
        return reasons.get(code);
    }

    @Override
    public String trap(int id) {
        return traps.get(id);
    }

    /** Recorded symbols so far. */
    public int symbolCount() {
        return symbols.size();
    }

    /** The recorded symbol containing {@code pc}, or {@code null}. */
    private KernelSymbol resolve(long pc) {
        Map.Entry<Long, KernelSymbol> e = symbols.floorEntry(pc);
        return e != null && e.getValue().contains(pc) ? e.getValue() : null;
    }
}
