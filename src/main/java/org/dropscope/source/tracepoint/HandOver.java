// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.util.ArrayList;
import java.util.List;
import org.dropscope.source.SourceException;

/**
 * The hot keys of a counting session and their hand-over from sampling to counting on every CPU
 * at once ({@link HotKeys} has the why, {@link HotCountGroup} the ioctls). The session adds each
 * CPU's group as it opens it and the kernel's part of the user's filter before it starts; the
 * reader thread then {@link #tick}s it after every pass.
 */
final class HandOver {
    private final HotKeys hot;
    private final List<HotCountGroup> groups = new ArrayList<>();
    /** The kernel's part of --filter, which every counting group's sampler and counter carries. */
    private String kernelFilter;

    HandOver(HotKeys hot) {
        this.hot = hot;
    }

    HotKeys keys() {
        return hot;
    }

    /** One more CPU's group, in CPU order; while the session opens. */
    void add(HotCountGroup group) {
        groups.add(group);
    }

    /** The kernel's part of the user's filter, or null; before the session starts. */
    void kernelFilter(String tracefsFilter) {
        kernelFilter = tracefsFilter;
    }

    /**
     * Hands the keys that {@link HotKeys#promote} finds due, if any, to the kernel's counters on
     * every CPU, all in one hand-over. Reader thread, after every pass.
     *
     * @throws SourceException if the kernel refuses to enable the events it has prepared
     */
    void tick(long nowNanos) throws SourceException {
        int n = hot.promote(nowNanos);
        if (n == 0) {
            return;
        }
        int g = hot.generation();
        int first = hot.promoted() - n + 1;
        String[] counters = new String[n];
        for (int i = 0; i < n; i++) {
            counters[i] = hot.counterFilter(first + i, kernelFilter);
        }
        String sampler = hot.samplerFilter(kernelFilter);
        try {
            for (HotCountGroup group : groups) {
                group.prepareHandOver(g, first, counters, sampler);
            }
        } catch (SourceException e) {
            // Every CPU keeps sampling what it sampled: no drop is lost, the keys are just not
            // counted in the kernel. A kernel whose event filter cannot compare `location` or
            // `reason` would do this; the spare events' filters are spent, so stop promoting.
            hot.refused();
            return;
        }
        for (HotCountGroup group : groups) {
            group.handOver(g, first, n);
        }
        hot.handedOver();
    }
}
