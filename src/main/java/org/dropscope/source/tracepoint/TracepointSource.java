// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropEventSink;
import org.dropscope.event.DropSink;
import org.dropscope.filter.DropFilter;
import org.dropscope.filter.KernelFilter;
import org.dropscope.names.DropNames;
import org.dropscope.nativeio.NativeException;
import org.dropscope.perf.PerfSyscalls;
import org.dropscope.perf.PerfSyscalls.Event;
import org.dropscope.perf.PerfSyscalls.Wakeup;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.SourceKind;
import org.dropscope.source.DropSource;
import org.dropscope.source.EventClock;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFacts;
import org.dropscope.source.SourceFilter;
import org.dropscope.tracefs.DropReasons;

/**
 * The {@code skb:kfree_skb} tracepoint as a drop source: one perf event per online CPU
 * (perf_event_open(2), {@code PERF_TYPE_TRACEPOINT}), each with its own mmap ring, read by one
 * thread ({@code dropscope-tracepoint}).
 *
 * <p>Needs neither BPF, BTF nor a compiler: the tracepoint's raw entry carries the drop location
 * and, since Linux 5.17, the reason. Its layout and reason names are read from tracefs at open
 * time ({@link TracepointSetup}); tracefs is left as it was found.
 *
 * <p>A key (location, reason) that drops more than {@code hotThreshold} times a second is then
 * counted by the kernel instead of sampled: each CPU
 * has a {@link HotCountGroup} instead of a single event, and {@link HotKeys} hands keys over from
 * its samplers to its counters without losing or doubling a drop. With stacks, a counted key's
 * stack is sampled once every {@code stackPeriod} drops ({@link #stackSampling()}). When
 * recording, its drops are recorded as events of the count each read of the counters found, at
 * the read's time ({@link TracepointOptions#hotKeysNote}).
 *
 * <p>Each CPU's events and ring are one {@link CpuStream}: a {@link SamplingStream}, or a
 * {@link CountingStream} when hot keys are counted, whose keys move through {@link HandOver}. The
 * reader thread's loop is {@link RingReader}; the system calls go through {@link PerfSyscalls}.
 * This class is the session's life cycle: {@link #open} acquires every fd and mapping (or none: a
 * failure half way rolls back); {@link #start} starts the reader and enables the events;
 * {@link #stop} disables them and drains what the kernel wrote; {@link #close} releases
 * everything and may be called at any point.
 */
public final class TracepointSource implements DropSource {
    /** After PERF_EVENT_IOC_DISABLE returns, a sample already being written on another CPU may
     * still complete; waiting this long before the last drain lets it land. */
    private static final long DISABLE_GRACE_MILLIS = 20;

    private final TracepointSetup setup;
    private final PerfSyscalls calls;
    /** One per online CPU, in CPU order. */
    private final CpuStream[] streams;
    /** The hot keys and their hand-over, when counted in the kernel; else null. */
    private final HandOver handOver;
    private final Wakeup wakeup;
    private final LongSupplier clock;
    private Thread thread;
    /** Set once by {@link #start}; read by {@link #flush} on a viewer thread without the lock. */
    private volatile RingReader reader;
    private KfreeSkbDecoder decoder;
    private DropEventSink recorder;
    private DropFilter residual;
    private boolean filtered;
    private boolean enabled;
    private boolean closed;
    /** Why hot keys are not counted in the kernel although asked for, or null. */
    private String hotUnavailable;

    private TracepointSource(TracepointSetup setup, PerfSyscalls calls, CpuStream[] streams, HandOver handOver,
            Wakeup wakeup, LongSupplier clock) {
        this.setup = setup;
        this.calls = calls;
        this.streams = streams;
        this.handOver = handOver;
        this.wakeup = wakeup;
        this.clock = clock;
    }

    /**
     * Reads the tracepoint's layout, opens and maps per online CPU a counting group (when the
     * options count hot keys and the kernel takes the group) or one sampling event, all disabled.
     *
     * @throws SourceException with a one-line cause and fix when anything is missing
     */
    public static TracepointSource open(TracepointOptions options) throws SourceException {
        return open(TracepointSetup.read(options), PerfSyscalls.KERNEL, System::nanoTime);
    }

    /**
     * {@link #open(TracepointOptions)} with the kernel's answers given: tests pass a fake, and a
     * clock for the hot keys' windows.
     */
    static TracepointSource open(TracepointSetup setup, PerfSyscalls calls, LongSupplier clock)
            throws SourceException {
        if (setup.options().countsHotKeys()) {
            try {
                return openAll(setup, calls, clock, true);
            } catch (SourceException e) {
                if (e.kind() == SourceException.Kind.NO_PERMISSION) {
                    throw e;
                }
                // A kernel that refuses part of the counting group (a tracepoint group leader,
                // PERF_EVENT_IOC_SET_OUTPUT, PERF_SAMPLE_READ) still samples: every drop is
                // counted, only at the cost of a sample each.
                TracepointSource plain = openAll(setup, calls, clock, false);
                plain.hotUnavailable = e.getMessage();
                return plain;
            }
        }
        return openAll(setup, calls, clock, false);
    }

    /**
     * Per online CPU, a counting group whose leader's ring is mapped, or one sampling event with
     * its ring; all disabled. A failure half way releases what was opened.
     */
    private static TracepointSource openAll(TracepointSetup setup, PerfSyscalls calls, LongSupplier clock,
            boolean counting) throws SourceException {
        int[] cpus = setup.onlineCpus();
        CpuStream[] streams = new CpuStream[cpus.length];
        Wakeup wakeup = null;
        boolean ok = false;
        try {
            HandOver handOver = counting ? new HandOver(new HotKeys(TracepointOptions.HOT_KEYS,
                    setup.options().hotThreshold(), setup.cpuIdCount())) : null;
            CpuStream.Opener opener = counting ? CountingStream.opener(setup, calls, handOver, clock)
                    : SamplingStream.opener(setup, calls);
            for (int i = 0; i < cpus.length; i++) {
                streams[i] = opener.open(cpus[i]);
            }
            wakeup = PerfErrors.wakeup(calls);
            ok = true;
            return new TracepointSource(setup, calls, streams, handOver, wakeup, clock);
        } finally {
            if (!ok) {
                release(streams, wakeup);
            }
        }
    }

    @Override
    public String description() {
        String d = setup.description(countsKeys());
        return hotUnavailable == null ? d : d + "; sampling every drop (no in-kernel counting: " + hotUnavailable + ")";
    }

    /**
     * Whether keys may move to the kernel's counters: a counting group, and no user-space part of
     * the filter, which the counters could not apply.
     */
    private boolean countsKeys() {
        return handOver != null && residual == null;
    }

    /** The record file's header keeps it as {@link RecordHeader#STACKS_PROPERTY}. */
    @Override
    public String stackSampling() {
        return setup.options().stackSampling(countsKeys());
    }

    @Override
    public DropNames names() {
        DropReasons r = setup.reasons();
        return DropNames.ofReasons(code -> code == DropSink.NO_REASON ? null : r.name(code));
    }

    @Override
    public int cpus() {
        return setup.cpuIdCount();
    }

    /** Sample times are on CLOCK_MONOTONIC: the events are opened with {@code use_clockid} on it. */
    @Override
    public SourceFacts facts() {
        Map<String, String> properties = new LinkedHashMap<>();
        String stacks = stackSampling();
        if (stacks != null) {
            properties.put(RecordHeader.STACKS_PROPERTY, stacks);
        }
        String hot = setup.options().hotKeysNote(countsKeys());
        if (hot != null) {
            properties.put(RecordHeader.HOT_KEYS_PROPERTY, hot);
        }
        return new SourceFacts(SourceKind.TRACEPOINT, description(), cpus(), EventClock.CLOCK_MONOTONIC,
                setup.formatText(), properties);
    }

    @Override
    public synchronized boolean recordTo(DropEventSink events) {
        if (thread != null || setup.sampleFormat().timeOffset() < 0) {
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
        if (closed || thread != null || filtered) {
            throw new IllegalStateException("filter a tracepoint source once, before start");
        }
        filtered = true;
        if (filter.isNone()) {
            return null;
        }
        KernelFilter split = filter.translate(setup.reasons());
        if (split.tracefs() != null) {
            if (handOver != null) {
                handOver.kernelFilter(split.tracefs());
            }
            for (CpuStream s : streams) {
                s.filter(split.tracefs());
            }
        }
        residual = filter.compile(split.residual(), names());
        return split.tracefs();
    }

    @Override
    public synchronized void start(DropAggregator aggregator) throws SourceException {
        if (closed || thread != null) {
            throw new IllegalStateException("a tracepoint source runs once; open a new one");
        }
        HotKeys hot = handOver != null ? handOver.keys() : null;
        decoder = new KfreeSkbDecoder(KfreeSkbDecoder.Config
                .of(hot != null ? setup.hotSampleFormat() : setup.sampleFormat(), setup.layout())
                .withStacks(aggregator.stacks()).recording(recorder).filtering(residual).countingHotKeys(hot));
        Event[] polled = new Event[streams.length];
        for (int i = 0; i < streams.length; i++) {
            polled[i] = streams[i].polled();
        }
        // With a user-space filter, the counters would count drops it rejects: no key moves.
        reader = new RingReader(streams, calls.poll(List.of(polled), wakeup), wakeup, setup.pollMillis(), decoder,
                aggregator.newWriter(), recorder, residual == null ? handOver : null, clock);
        thread = new Thread(reader, "dropscope-tracepoint");
        thread.setDaemon(true);
        thread.start();
        try {
            for (CpuStream s : streams) {
                s.enable();
            }
            enabled = true;
        } catch (NativeException e) {
            close();
            throw new SourceException(SourceException.Kind.SYSTEM,
                    "cannot enable the skb:kfree_skb perf event: " + e.getMessage(), e);
        }
    }

    /**
     * Wakes the ring reader and waits (at most a poll interval) until it has drained every ring:
     * the reader sleeps while the rings stay empty ({@link ReaderPace}). Not synchronized: it
     * must not wait behind a {@link #stop} that is waiting for the reader.
     */
    @Override
    public void flush() {
        RingReader r = reader;
        if (r == null) {
            return;
        }
        try {
            r.flush(setup.pollMillis());
        } catch (NativeException e) {
            // The eventfd cannot fail to count; were it to, the reader still wakes on its timeout.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void stop() throws SourceException {
        if (thread == null || reader.stopRequested()) {
            return;
        }
        disableAll();
        try {
            TimeUnit.MILLISECONDS.sleep(DISABLE_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.requestStop();
        try {
            wakeup.signal();
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (NativeException e) {
            throw new SourceException(SourceException.Kind.SYSTEM, "cannot wake the ring reader: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Throwable failure = reader.failure();
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
        for (CpuStream s : streams) {
            corrupt += s.corrupt();
        }
        m.put("malformed samples", d == null ? 0 : d.malformed());
        m.put("throttle records", d == null ? 0 : d.throttled());
        m.put("drops without a stack (stack table full)", d == null ? 0 : d.stackOverflow());
        if (handOver != null && setup.options().stacks()) {
            m.put("stack samples of counted keys", d == null ? 0 : d.stackSamples());
        }
        m.put("corrupt ring headers", corrupt);
        m.put("drops filtered out in user space", d == null ? 0 : d.filtered());
        if (handOver != null) {
            HotKeys hot = handOver.keys();
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
        if (thread != null && thread.isAlive()) {
            disableAll();
            reader.requestStop();
            try {
                wakeup.signal();
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (NativeException | InterruptedException e) {
                // Closing anyway: the reader sees closed rings at worst and exits on its failure.
            }
        }
        release(streams, wakeup);
    }

    private void disableAll() {
        if (!enabled) {
            return;
        }
        enabled = false;
        for (CpuStream s : streams) {
            try {
                s.disable();
            } catch (NativeException ignored) {
                // close() follows, and closing the fd disables the event for good.
            }
        }
    }

    private static void release(CpuStream[] streams, Wakeup wakeup) {
        for (CpuStream s : streams) {
            if (s != null) {
                s.close();
            }
        }
        if (wakeup != null) {
            wakeup.close();
        }
    }
}
