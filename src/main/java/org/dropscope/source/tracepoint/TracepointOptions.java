// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.nio.file.Path;
import org.dropscope.record.RecordHeader;

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
 *     instead of sampled ({@link HotKeys}); 0 samples every drop. With timestamps, a counted key's
 *     drops are recorded as one event per read of the counters, at the read's time; 0 gives every
 *     drop its own time (and, with stacks, its own stack)
 * @param stackPeriod with stacks and hot keys: a counted key's call chain is sampled once every
 *     this many of its drops (the counter's sample_period); 1 takes every drop's. Drops of keys
 *     not counted in the kernel always carry their own
 */
public record TracepointOptions(int ringPages, boolean stacks, int pollMillis, Path tracefsRoot, boolean timestamps,
        long hotThreshold, long stackPeriod) {
    public static final int DEFAULT_RING_PAGES = 256;
    public static final int DEFAULT_POLL_MILLIS = 100;
    /** Keys dropping this often cost more as samples than a counting event costs every drop. */
    public static final long DEFAULT_HOT_THRESHOLD = 1000;
    /**
     * A hot key's drops per stack sample. At the 1.5 M drops/s one sender thread reaches, 1 in
     * 1000 is 1,500 samples a second: a sample per drop costs the dropping CPU about a microsecond
     * (docs/performance.md), so stacks then cost about 0.15 % of a CPU, and a key dropping at the
     * threshold (1000/s) still gets a stack a second.
     */
    public static final long DEFAULT_STACK_PERIOD = 1000;
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

    /** Options with hot keys' stacks sampled every {@link #DEFAULT_STACK_PERIOD} drops. */
    public TracepointOptions(int ringPages, boolean stacks, int pollMillis, Path tracefsRoot, boolean timestamps,
            long hotThreshold) {
        this(ringPages, stacks, pollMillis, tracefsRoot, timestamps, hotThreshold, DEFAULT_STACK_PERIOD);
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
        if (stackPeriod < 1) {
            throw new IllegalArgumentException("stack period must be 1 or more drops, got " + stackPeriod);
        }
    }

    /**
     * Whether hot keys are counted in the kernel: a threshold. With stacks, a counted key's stacks
     * are sampled ({@link #stackPeriod}); with timestamps, its drops carry the time of the counters'
     * read that found them ({@link #hotKeysNote}).
     */
    public boolean countsHotKeys() {
        return hotThreshold > 0;
    }

    /**
     * What a recording's counted events are, as its file says it ({@link RecordHeader#HOT_KEYS_PROPERTY}):
     * null when no key is counted in the kernel.
     *
     * @param counting whether hot keys are counted in the kernel in this session
     */
    public String hotKeysNote(boolean counting) {
        if (!counting) {
            return null;
        }
        return "counted in the kernel from " + hotThreshold + " drops/s: such events carry the drops counted"
                + " between two reads, at the read's time";
    }

    /**
     * How the drops' stacks are taken, as every view and file that shows stacks says it: null
     * without stacks.
     *
     * @param counting whether hot keys are counted in the kernel in this session
     */
    public String stackSampling(boolean counting) {
        if (!stacks) {
            return null;
        }
        if (!counting || stackPeriod == 1) {
            return RecordHeader.STACKS_OF_EVERY_DROP;
        }
        return "cold keys every drop, hot keys 1 in " + stackPeriod;
    }
}
