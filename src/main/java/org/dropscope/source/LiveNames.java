// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

import java.util.List;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.StackTable;
import org.dropscope.event.DropSink;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.names.DropNames;
import org.dropscope.names.Location;
import org.dropscope.names.Symbol;

/**
 * The names of a running session's drops: locations and frames through kallsyms (the
 * {@link Symbolizer}, this machine's or a saved copy; none under {@code -l none}), reason codes
 * and trap ids through the source's own tables ({@link DropSource#names()}), stack ids through the
 * aggregator's {@link StackTable}. Thread-safe, as its parts are.
 */
public final class LiveNames implements DropNames {
    private final Symbolizer symbols;
    private final DropNames source;
    private final StackTable stacks;

    /**
     * @param symbols kallsyms, or {@code null} to name no address
     * @param source the source's names of its reason codes and trap ids
     * @param stacks the table the stack ids come from, or {@code null} to name no stack
     */
    public LiveNames(Symbolizer symbols, DropNames source, StackTable stacks) {
        this.symbols = symbols;
        this.source = source;
        this.stacks = stacks;
    }

    /** The names of what {@code source} writes into {@code aggregator}. */
    public static LiveNames of(Symbolizer symbols, DropSource source, DropAggregator aggregator) {
        return new LiveNames(symbols, source.names(), aggregator.stacks());
    }

    @Override
    public Symbol symbolAt(long pc) {
        KernelSymbol s = symbols == null ? null : symbols.resolve(pc);
        return s == null ? null : s.at(pc);
    }

    /** Formatted once per address ({@link Symbolizer#dropwatch}): the shell asks it per location per interval. */
    @Override
    public String symbolOffset(long pc) {
        return symbols == null ? null : symbols.dropwatch(pc);
    }

    /** From the current kallsyms table, without a reload: filters ask this on a reader thread per event. */
    @Override
    public String symbol(long pc) {
        return symbols == null ? null : symbols.name(pc);
    }

    @Override
    public String reason(int code) {
        return code == DropSink.NO_REASON ? null : source.reason(code);
    }

    @Override
    public String trap(int id) {
        return source.trap(id);
    }

    /** The chain of {@code id}, empty for an id the table does not hold; {@code null} without a table. */
    @Override
    public List<Location> stack(int id) {
        if (stacks == null) {
            return null;
        }
        return locations(stacks.chain(id));
    }
}
