// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

import org.dropscope.event.DropEvent;
import org.dropscope.event.DropEventSink;
import org.dropscope.event.DropSink;
import org.dropscope.filter.DropFilter;

/**
 * Where a source sends each drop it has filled into a {@link DropEvent}: the user-space part of
 * {@code --filter} first, then, if the drop passes, the aggregator's writer and the recorder. The
 * tracepoint's decoder and NET_DM's alert reader both end here, on their reader thread; a
 * tracepoint source that neither filters nor records counts without it ({@link #active()}).
 *
 * <p>Set up before the reader starts; afterwards used by the reader thread alone, except
 * {@link #filtered()}, which any thread may read.
 */
public final class DropRouter {
    private DropFilter filter;
    private DropEventSink recorder;
    private volatile long filtered;

    /** Tests every drop with {@code f} (allocation-free, as {@link DropFilter} is); null keeps all. */
    public void filter(DropFilter f) {
        this.filter = f;
    }

    /** Hands every drop that passes, and every loss, to {@code r}; null records nothing. */
    public void record(DropEventSink r) {
        this.recorder = r;
    }

    /** Whether drops must come through here: a filter or a recorder is set. */
    public boolean active() {
        return filter != null || recorder != null;
    }

    /** Counts {@code e} in {@code sink} (as its CPU's) and records it, unless the filter rejects it. */
    public void drop(DropSink sink, DropEvent e) {
        if (filter != null && !filter.test(e)) {
            filtered++;
            return;
        }
        sink.drop(e.cpu(), e.origin(), e.location(), e.reason(), e.stackId(), e.count());
        if (recorder != null) {
            recorder.drop(e);
        }
    }

    /** Events the kernel lost, for the recorder; losses are never filtered. */
    public void lost(long timeNanos, int cpu, long count) {
        if (recorder != null) {
            recorder.lost(timeNanos, cpu, count);
        }
    }

    /** The end of one reader pass, where a recorder may flush. */
    public void endPass() {
        if (recorder != null) {
            recorder.endPass();
        }
    }

    /** Drops the filter rejected so far. */
    public long filtered() {
        return filtered;
    }
}
