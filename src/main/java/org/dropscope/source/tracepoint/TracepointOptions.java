// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.nio.file.Path;

/**
 * How to open the tracepoint source.
 *
 * @param ringPages data pages per CPU ring, a power of two (256 pages = 1 MiB with 4 KiB pages)
 * @param stacks whether to collect kernel call chains (PERF_SAMPLE_CALLCHAIN)
 * @param pollMillis longest time drops wait in a ring before being counted at low rates
 * @param tracefsRoot a tracefs directory to use as is, or {@code null} to find or mount one
 * @param timestamps whether samples carry their time (PERF_SAMPLE_TIME on CLOCK_MONOTONIC), which
 *     recording needs; 8 more bytes per sample for the kernel to write, so off for counting alone
 * @param hotThreshold drops per second from which a (location, reason) key is counted in the kernel
 *     instead of sampled ({@link HotKeys}); 0 samples every drop. Used only without stacks and
 *     timestamps, which need a sample per drop
 */
public record TracepointOptions(int ringPages, boolean stacks, int pollMillis, Path tracefsRoot, boolean timestamps,
        long hotThreshold) {
    public static final int DEFAULT_RING_PAGES = 256;
    public static final int DEFAULT_POLL_MILLIS = 100;
    /** Keys dropping this often cost more as samples than a counting event costs every drop. */
    public static final long DEFAULT_HOT_THRESHOLD = 1000;
    /**
     * Counting events per CPU. Only the counters of promoted keys are enabled, each a filter the
     * kernel evaluates on every drop; a spare one costs a file descriptor and 16 bytes (itself and
     * its sampler) in every sample's group read. A busy host drops in more places than 4.
     */
    public static final int HOT_KEYS = 8;

    /** Options that sample every drop. */
    public TracepointOptions(int ringPages, boolean stacks, int pollMillis, Path tracefsRoot, boolean timestamps) {
        this(ringPages, stacks, pollMillis, tracefsRoot, timestamps, 0);
    }

    public TracepointOptions {
        if (ringPages < 1 || Integer.bitCount(ringPages) != 1) {
            throw new IllegalArgumentException("ring pages must be a power of two, got " + ringPages);
        }
        if (pollMillis < 1) {
            throw new IllegalArgumentException("poll interval must be at least 1 ms, got " + pollMillis);
        }
        if (hotThreshold < 0) {
            throw new IllegalArgumentException("hot-key threshold must be 0 or more drops/s, got " + hotThreshold);
        }
    }

    /** Whether hot keys are counted in the kernel: a threshold, and nothing that needs every sample. */
    public boolean countsHotKeys() {
        return hotThreshold > 0 && !stacks && !timestamps;
    }
}
