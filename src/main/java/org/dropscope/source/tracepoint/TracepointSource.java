// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropEventSink;
import org.dropscope.event.DropSink;
import org.dropscope.event.ReasonNames;
import org.dropscope.filter.DropFilter;
import org.dropscope.filter.KernelFilter;
import org.dropscope.nativeio.NativeException;
import org.dropscope.perf.PerfRing;
import org.dropscope.perf.PerfSyscalls;
import org.dropscope.perf.PerfSyscalls.Event;
import org.dropscope.perf.PerfSyscalls.Poll;
import org.dropscope.perf.PerfSyscalls.RingMapping;
import org.dropscope.perf.PerfSyscalls.Wakeup;
import org.dropscope.source.DropSource;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFilter;
import org.dropscope.tracefs.DropReasons;
import org.dropscope.tracefs.KfreeSkbLayout;

/**
 * The {@code skb:kfree_skb} tracepoint as a drop source: one perf event per online CPU
 * (perf_event_open(2), {@code PERF_TYPE_TRACEPOINT}), each with its own mmap ring, read by one
 * thread ({@code dropscope-tracepoint}).
 *
 * <p>Needs neither BPF, BTF nor a compiler: the tracepoint's raw entry carries the drop location
 * and, since Linux 5.17, the reason. Its layout and reason names are read from tracefs at open
 * time ({@link TracepointSetup}); tracefs is left as it was found.
 *
 * <p>Unless stacks or timestamps are asked for, a key (location, reason) that drops more than
 * {@code hotThreshold} times a second is then counted by the kernel instead of sampled: each CPU
 * has a {@link HotCountGroup} instead of a single event, and {@link HotKeys} hands keys over from
 * its samplers to its counters without losing or doubling a drop.
 *
 * <p>Lifecycle: {@link #open} acquires every fd and mapping (or none: a failure half way rolls
 * back); {@link #start} starts the reader and enables the events; {@link #stop} disables them and
 * drains what the kernel wrote; {@link #close} releases everything and may be called at any point.
 */
public final class TracepointSource implements DropSource {
    /** After PERF_EVENT_IOC_DISABLE returns, a sample already being written on another CPU may
     * still complete; waiting this long before the last drain lets it land. */
    private static final long DISABLE_GRACE_MILLIS = 20;

    private final TracepointSetup setup;
    private final PerfSyscalls calls;
    /** Per CPU: the event whose ring is mapped and whose fd is polled (a group's leader). */
    private final Event[] events;
    /** Per CPU, when hot keys are counted in the kernel; else null. */
    private final HotCountGroup[] groups;
    private final HotKeys hot;
    /** The kernel's part of --filter, which every counting group's sampler and counter carries. */
    private String kernelFilter;
    private final RingMapping[] mappings;
    private final PerfRing[] rings;
    private final Wakeup wakeup;
    /** Whether the events were opened with PERF_FORMAT_LOST. */
    private final boolean lostReadable;
    /** Per ring: samples reported lost by records; reader thread only. */
    private final long[] lostReported;
    /** Per ring: sample records read; reader thread only. */
    private final long[] samplesRead;
    private Thread reader;
    private KfreeSkbDecoder decoder;
    private DropEventSink recorder;
    private DropFilter residual;
    private boolean filtered;
    private volatile boolean stopping;
    private volatile Throwable readerFailure;
    private boolean enabled;
    private boolean closed;
    /** Why hot keys are not counted in the kernel although asked for, or null. */
    private String hotUnavailable;

    private TracepointSource(TracepointSetup setup, PerfSyscalls calls, Event[] events, HotCountGroup[] groups, HotKeys hot,
            RingMapping[] mappings, PerfRing[] rings, Wakeup wakeup, boolean lostReadable) {
        this.groups = groups;
        this.hot = hot;
        this.lostReadable = lostReadable;
        this.lostReported = new long[rings.length];
        this.samplesRead = new long[rings.length];
        this.setup = setup;
        this.calls = calls;
        this.events = events;
        this.mappings = mappings;
        this.rings = rings;
        this.wakeup = wakeup;
    }

    /**
     * Reads the tracepoint's layout, opens and maps per online CPU a counting group (when the
     * options count hot keys and the kernel takes the group) or one sampling event, all disabled.
     *
     * @throws SourceException with a one-line cause and fix when anything is missing
     */
    public static TracepointSource open(TracepointOptions options) throws SourceException {
        return open(TracepointSetup.read(options), PerfSyscalls.KERNEL);
    }

    /** {@link #open(TracepointOptions)} with the kernel's answers given: tests pass a fake. */
    static TracepointSource open(TracepointSetup setup, PerfSyscalls calls) throws SourceException {
        TracepointOptions options = setup.options();
        if (options.countsHotKeys()) {
            try {
                return openAll(setup, calls, options, true);
            } catch (SourceException e) {
                if (e.kind() == SourceException.Kind.NO_PERMISSION) {
                    throw e;
                }
                // A kernel that refuses part of the counting group (a tracepoint group leader,
                // PERF_EVENT_IOC_SET_OUTPUT, PERF_SAMPLE_READ) still samples: every drop is
                // counted, only at the cost of a sample each.
                TracepointSource plain = openAll(setup, calls, options, false);
                plain.hotUnavailable = e.getMessage();
                return plain;
            }
        }
        return openAll(setup, calls, options, false);
    }

    /**
     * Per online CPU, a counting group ({@link HotCountGroup}) whose leader's ring is mapped, or
     * one sampling event with its ring; all disabled. A failure half way releases what was opened.
     */
    private static TracepointSource openAll(TracepointSetup setup, PerfSyscalls calls, TracepointOptions options,
            boolean counting)
            throws SourceException {
        int[] cpus = setup.onlineCpus();
        Event[] events = new Event[cpus.length];
        HotCountGroup[] groups = counting ? new HotCountGroup[cpus.length] : null;
        RingMapping[] mappings = new RingMapping[cpus.length];
        PerfRing[] rings = new PerfRing[cpus.length];
        Wakeup wakeup = null;
        boolean ok = false;
        try {
            long mapBytes = (long) (options.ringPages() + 1) * setup.pageSize();
            HotKeys hot = counting
                    ? new HotKeys(TracepointOptions.HOT_KEYS, options.hotThreshold(), setup.cpuIdCount()) : null;
            ByteBuffer attr = counting ? null : setup.perfEventAttr(true);
            // A counting group's losses come from its samplers' counts (HotKeys.lost).
            boolean lostReadable = !counting;
            for (int i = 0; i < cpus.length; i++) {
                if (counting) {
                    groups[i] = HotCountGroup.open(setup, calls, cpus[i], hot.capacity());
                    events[i] = groups[i].leader();
                } else {
                    events[i] = i == 0 ? PerfErrors.openIfValid(calls, attr, cpus[i], setup)
                            : PerfErrors.open(calls, attr, cpus[i], setup);
                    if (events[i] == null) {
                        // PERF_FORMAT_LOST is Linux 6.0+; older kernels reject the read_format with
                        // EINVAL. Without it, losses still arrive as PERF_RECORD_LOST records, except
                        // those no later sample on that CPU brings out before stop.
                        attr = setup.perfEventAttr(false);
                        lostReadable = false;
                        events[i] = PerfErrors.open(calls, attr, cpus[i], setup);
                    }
                }
                mappings[i] = PerfErrors.mmap(events[i], mapBytes, cpus[i]);
                rings[i] = new PerfRing(mappings[i].buffer(), setup.pageSize());
                if (counting) {
                    hot.samplers(cpus[i], groups[i].redirectSamplers());
                }
            }
            wakeup = PerfErrors.wakeup(calls);
            ok = true;
            return new TracepointSource(setup, calls, events, groups, hot, mappings, rings, wakeup, lostReadable);
        } finally {
            if (!ok) {
                release(events, groups, mappings, rings, wakeup);
            }
        }
    }

    @Override
    public String description() {
        return hotUnavailable == null ? setup.description()
                : setup.description() + "; sampling every drop (no in-kernel counting: " + hotUnavailable + ")";
    }

    @Override
    public ReasonNames reasons() {
        DropReasons r = setup.reasons();
        return code -> code == DropSink.NO_REASON ? null : r.name(code);
    }

    @Override
    public int cpus() {
        return setup.cpuIdCount();
    }

    /** The tracepoint's {@code format} file as read at open time, verbatim, for a record file's header. */
    public String formatText() {
        return setup.formatText();
    }

    /** The running kernel's reason table, for translating filters ({@code filter.KernelFilter}). */
    public DropReasons reasonTable() {
        return setup.reasons();
    }

    /** The tracepoint layout in use. */
    public KfreeSkbLayout layout() {
        return setup.layout();
    }

    @Override
    public synchronized boolean recordTo(DropEventSink events) {
        if (reader != null || setup.sampleFormat().timeOffset() < 0) {
            return false;
        }
        recorder = events;
        return true;
    }

    /**
     * Sets the kernel's part of {@code filter} on every CPU's event (PERF_EVENT_IOC_SET_FILTER,
     * which the kernel accepts once per event) and keeps the rest for the reader thread. The events
     * are still disabled: no sample is written before the filter is in place.
     */
    @Override
    public synchronized String filter(SourceFilter filter) throws SourceException {
        if (closed || reader != null || filtered) {
            throw new IllegalStateException("filter a tracepoint source once, before start");
        }
        filtered = true;
        if (filter.isNone()) {
            return null;
        }
        KernelFilter split = filter.translate(setup.reasons());
        if (split.tracefs() != null) {
            kernelFilter = split.tracefs();
            for (int i = 0; i < events.length; i++) {
                if (groups != null) {
                    groups[i].filterFirstSampler(split.tracefs());
                } else {
                    PerfErrors.setFilter(events[i], split.tracefs(), setup.onlineCpus()[i]);
                }
            }
        }
        residual = filter.compile(split.residual(), reasons(), ReasonNames.NONE);
        return split.tracefs();
    }

    @Override
    public synchronized void start(DropAggregator aggregator) throws SourceException {
        if (closed || reader != null) {
            throw new IllegalStateException("a tracepoint source runs once; open a new one");
        }
        decoder = new KfreeSkbDecoder(KfreeSkbDecoder.Config
                .of(hot != null ? TracepointSetup.HOT_SAMPLE_FORMAT : setup.sampleFormat(), setup.layout())
                .withStacks(aggregator.stacks()).recording(recorder).filtering(residual).countingHotKeys(hot));
        DropSink writer = aggregator.newWriter();
        reader = new Thread(() -> readLoop(writer), "dropscope-tracepoint");
        reader.setDaemon(true);
        reader.start();
        try {
            for (int i = 0; i < events.length; i++) {
                if (groups != null) {
                    groups[i].start();
                } else {
                    events[i].enable();
                }
            }
            enabled = true;
        } catch (NativeException e) {
            close();
            throw new SourceException(SourceException.Kind.SYSTEM,
                    "cannot enable the skb:kfree_skb perf event: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void stop() throws SourceException {
        if (reader == null || stopping) {
            return;
        }
        disableAll();
        try {
            TimeUnit.MILLISECONDS.sleep(DISABLE_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopping = true;
        try {
            wakeup.signal();
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (NativeException e) {
            throw new SourceException(SourceException.Kind.SYSTEM, "cannot wake the ring reader: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Throwable failure = readerFailure;
        if (failure != null) {
            throw new SourceException(SourceException.Kind.SYSTEM,
                    "the ring reader failed: " + failure, failure);
        }
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        KfreeSkbDecoder d = decoder;
        long corrupt = 0;
        for (PerfRing r : rings) {
            corrupt += r.corrupt();
        }
        m.put("malformed samples", d == null ? 0 : d.malformed());
        m.put("throttle records", d == null ? 0 : d.throttled());
        m.put("drops without a stack (stack table full)", d == null ? 0 : d.stackOverflow());
        m.put("corrupt ring headers", corrupt);
        m.put("drops filtered out in user space", d == null ? 0 : d.filtered());
        if (hot != null) {
            // Written by the reader thread; a racy read here only shows a count a pass late.
            m.put("keys counted in the kernel", (long) hot.promoted());
            m.put("hand-overs the kernel refused", hot.refusals());
            m.put("samples also counted by a successor (skipped)", hot.duplicates());
        }
        return m;
    }

    /**
     * Stops the reader if it runs, then disables, unmaps and closes everything. Idempotent, never
     * throws: it runs on every exit path, shutdown hooks included.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (reader != null && reader.isAlive()) {
            disableAll();
            stopping = true;
            try {
                wakeup.signal();
                reader.join(TimeUnit.SECONDS.toMillis(5));
            } catch (NativeException | InterruptedException e) {
                // Closing anyway: the reader sees closed rings at worst and exits on its failure.
            }
        }
        release(events, groups, mappings, rings, wakeup);
    }

    private void disableAll() {
        if (!enabled) {
            return;
        }
        enabled = false;
        for (Event e : events) {
            try {
                // A group's leader: disabling it stops all its members at once.
                e.disable();
            } catch (NativeException ignored) {
                // close() follows, and closing the fd disables the event for good.
            }
        }
    }

    private void readLoop(DropSink writer) {
        Poll poller = calls.poll(List.of(events), wakeup);
        int[] cpus = setup.onlineCpus();
        try {
            while (true) {
                poller.poll(setup.pollMillis());
                boolean last = stopping;
                drainAll(writer, cpus);
                if (last) {
                    // The events are disabled and the grace period is over: once the rings are
                    // empty, nothing more can arrive.
                    drainAll(writer, cpus);
                    countUnreportedLosses(writer, cpus);
                    return;
                }
                if (hot != null && residual == null) {
                    promoteHotKey();
                }
                if (poller.woken()) {
                    wakeup.drain();
                }
            }
        } catch (Throwable t) {
            readerFailure = t;
        }
    }

    private void drainAll(DropSink writer, int[] cpus) throws SourceException {
        writer.begin();
        try {
            for (int i = 0; i < rings.length; i++) {
                decoder.bind(cpus[i], writer);
                long before = decoder.lostReported();
                long samplesBefore = decoder.samplesRead();
                rings[i].drain(decoder, rings[i].dataSize());
                lostReported[i] += decoder.lostReported() - before;
                samplesRead[i] += decoder.samplesRead() - samplesBefore;
                if (groups != null) {
                    hot.emitCounts(cpus[i], groups[i].readCounts(), writer);
                }
            }
        } finally {
            writer.end();
        }
        if (recorder != null) {
            recorder.endPass();
        }
    }

    /**
     * The kernel writes a PERF_RECORD_LOST only when the next sample on that CPU finds room, so
     * samples lost just before a CPU went quiet are in no record. read(2) with PERF_FORMAT_LOST
     * gives each event's count of drops and of samples lost; what no record reported is added
     * here, once the rings are drained and the events disabled. So are drops the event counted
     * but whose sample never reached the ring and was not counted lost either: on 6.18 that
     * happens to some drops freed from RCU callbacks (a UDP socket's queue purged when it is
     * destroyed), see docs/performance.md. A counting group finds both from its samplers' counts
     * ({@link HotKeys#lost}).
     */
    private void countUnreportedLosses(DropSink writer, int[] cpus) throws NativeException, SourceException {
        if (groups == null && !lostReadable) {
            return;
        }
        writer.begin();
        try {
            for (int i = 0; i < events.length; i++) {
                // Samples lost that the kernel counted (PERF_FORMAT_LOST; a group has no such
                // count), and drops an event took without writing or counting a sample.
                long counted;
                long unwritten;
                if (groups != null) {
                    counted = 0;
                    unwritten = hot.lost(groups[i].readCounts(), samplesRead[i]);
                } else {
                    long[] words = events[i].read(2);
                    if (words.length != 2) {
                        continue;
                    }
                    counted = words[1];
                    unwritten = words[0] - samplesRead[i] - words[1];
                }
                long unreported = counted - lostReported[i] + Math.max(unwritten, 0);
                if (unreported > 0) {
                    writer.lost(cpus[i], unreported);
                    if (recorder != null) {
                        recorder.lost(System.nanoTime(), cpus[i], unreported);
                    }
                }
            }
        } finally {
            writer.end();
        }
    }

    /**
     * Once a second: if one key dropped more than the threshold in the last second and a counter
     * is free, hands it to the kernel's counters on every CPU (see {@link HotKeys}). Reader thread.
     */
    private void promoteHotKey() throws SourceException {
        int j = hot.promote(System.nanoTime());
        if (j == 0) {
            return;
        }
        int g = hot.generation();
        String counter = hot.counterFilter(j, kernelFilter);
        String sampler = hot.samplerFilter(kernelFilter);
        try {
            for (HotCountGroup group : groups) {
                group.prepareHandOver(g, j, counter, sampler);
            }
        } catch (SourceException e) {
            // Every CPU keeps sampling what it sampled: no drop is lost, the key is just not
            // counted in the kernel. A kernel whose event filter cannot compare `location` or
            // `reason` would do this; the spare events' filters are spent, so stop promoting.
            hot.refused();
            return;
        }
        for (HotCountGroup group : groups) {
            group.handOver(g, j);
        }
        hot.handedOver();
    }

    private static void release(Event[] events, HotCountGroup[] groups, RingMapping[] mappings, PerfRing[] rings,
            Wakeup wakeup) {
        for (int i = 0; i < events.length; i++) {
            if (rings[i] != null) {
                rings[i].close();
            }
            if (mappings[i] != null) {
                mappings[i].close();
            }
            if (groups != null && groups[i] != null) {
                groups[i].close();     // its leader is events[i]
            } else if (events[i] != null) {
                events[i].close();
            }
        }
        if (wakeup != null) {
            wakeup.close();
        }
    }
}
