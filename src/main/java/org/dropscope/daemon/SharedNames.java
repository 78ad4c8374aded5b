// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.util.List;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.names.DropNames;
import org.dropscope.names.Location;
import org.dropscope.names.Symbol;
import org.dropscope.record.NameKind;
import org.dropscope.record.RecordNames;

/**
 * The names a daemon's stream carries ({@link RecordNames}), fed by the stream's reader thread and
 * asked by a viewer's thread: every call holds this object's lock. Names arrive before the
 * events that use them, and an event is counted before a snapshot can show it, so a viewer always
 * finds the names of what it shows.
 */
final class SharedNames implements DropNames {
    private final RecordNames names = new RecordNames();

    synchronized void symbol(KernelSymbol symbol) {
        names.symbol(symbol);
    }

    synchronized void stack(int stackId, long[] frames) {
        names.stack(stackId, frames);
    }

    synchronized void name(NameKind kind, int code, String name) {
        names.name(kind, code, name);
    }

    @Override
    public synchronized Symbol symbolAt(long pc) {
        return names.symbolAt(pc);
    }

    @Override
    public synchronized String symbol(long pc) {
        return names.symbol(pc);
    }

    @Override
    public synchronized String reason(int code) {
        return names.reason(code);
    }

    @Override
    public synchronized String trap(int id) {
        return names.trap(id);
    }

    @Override
    public synchronized List<Location> stack(int id) {
        return names.stack(id);
    }
}
