// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dropscope.perf.PerfMmapPage;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfEventAttr;
import org.dropscope.perf.SampleFormat;
import org.dropscope.source.CpuList;
import org.dropscope.source.SourceException;
import org.dropscope.tracefs.DropReasons;
import org.dropscope.tracefs.KfreeSkbLayout;
import org.dropscope.tracefs.TracefsException;
import org.dropscope.tracefs.TracefsFormatException;
import org.dropscope.tracefs.TracepointFormat;
import org.dropscope.tracefs.Tracefs;

/**
 * Everything the tracepoint source learns from the running kernel before it opens anything:
 * the tracepoint's id, layout and reason names (from tracefs, which is put back as it was found),
 * the online CPUs, the page size and {@code kernel.perf_event_paranoid}.
 */
final class TracepointSetup {
    private static final Path CPU_ONLINE = Path.of("/sys/devices/system/cpu/online");
    private static final Path CPU_POSSIBLE = Path.of("/sys/devices/system/cpu/possible");
    private static final Path PARANOID = Path.of("/proc/sys/kernel/perf_event_paranoid");
    /** {@code CLOCK_MONOTONIC}, include/uapi/linux/time.h. */
    private static final int CLOCK_MONOTONIC = 1;
    /** A counting group's ring wakes its reader at this fraction of it; see {@link #groupLeaderAttr()}. */
    static final int GROUP_WAKEUP_FRACTION = 16;

    private final TracepointOptions options;
    private final KfreeSkbLayout layout;
    private final String formatText;
    private final DropReasons reasons;
    private final int[] onlineCpus;
    private final int cpuIdCount;
    private final int pageSize;
    private final String paranoid;
    private final SampleFormat sampleFormat;

    private TracepointSetup(TracepointOptions options, KfreeSkbLayout layout, String formatText, DropReasons reasons,
            int[] onlineCpus, int cpuIdCount, int pageSize, String paranoid) {
        this.options = options;
        this.layout = layout;
        this.formatText = formatText;
        this.reasons = reasons;
        this.onlineCpus = onlineCpus;
        this.cpuIdCount = cpuIdCount;
        this.pageSize = pageSize;
        this.paranoid = paranoid;
        long sampleType = PerfConstants.PERF_SAMPLE_RAW;
        if (options.stacks()) {
            sampleType |= PerfConstants.PERF_SAMPLE_CALLCHAIN;
        }
        if (options.timestamps()) {
            sampleType |= PerfConstants.PERF_SAMPLE_TIME;
        }
        this.sampleFormat = new SampleFormat(sampleType);
    }

    static TracepointSetup read(TracepointOptions options) throws SourceException {
        TracepointFormat format = readFormat(options);
        Parsed parsed = parse(format);
        int[] online;
        int possible;
        try {
            online = cpus(CPU_ONLINE);
            int[] all = cpus(CPU_POSSIBLE);
            possible = all[all.length - 1] + 1;
        } catch (IOException e) {
            throw new SourceException(SourceException.Kind.SYSTEM, "cannot list CPUs: " + e.getMessage(), e);
        }
        return new TracepointSetup(options, parsed.layout, format.text(), parsed.reasons, online,
                Math.max(possible, online[online.length - 1] + 1), PerfMmapPage.pageSize(), readParanoid());
    }

    /**
     * What {@link #read} makes of the kernel's answers, given: the tracepoint's format, the
     * online CPUs, the number of possible CPU ids, the page size and perf_event_paranoid's text.
     */
    static TracepointSetup of(TracepointOptions options, TracepointFormat format, int[] online, int possible,
            int pageSize, String paranoid) throws SourceException {
        Parsed parsed = parse(format);
        return new TracepointSetup(options, parsed.layout, format.text(), parsed.reasons, online.clone(),
                Math.max(possible, online[online.length - 1] + 1), pageSize, paranoid);
    }

    private record Parsed(KfreeSkbLayout layout, DropReasons reasons) {
    }

    private static Parsed parse(TracepointFormat format) throws SourceException {
        try {
            KfreeSkbLayout layout = KfreeSkbLayout.from(format);
            return new Parsed(layout, layout.hasReason() ? DropReasons.from(format) : DropReasons.none());
        } catch (TracefsFormatException e) {
            throw new SourceException(SourceException.Kind.BAD_INPUT,
                    "cannot use the skb:kfree_skb format of this kernel: " + e.getMessage(), e);
        }
    }

    private static TracepointFormat readFormat(TracepointOptions options) throws SourceException {
        try (Tracefs tracefs = options.tracefsRoot() != null ? Tracefs.at(options.tracefsRoot())
                : Tracefs.open(new KernelMounter())) {
            return tracefs.eventFormat("skb", "kfree_skb");
        } catch (TracefsException e) {
            throw new SourceException(kindOf(e.kind()), e.getMessage(), e);
        } catch (TracefsFormatException e) {
            throw new SourceException(SourceException.Kind.BAD_INPUT,
                    "cannot parse the skb:kfree_skb format file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SourceException(SourceException.Kind.SYSTEM, "cannot read tracefs: " + e.getMessage(), e);
        }
    }

    private static SourceException.Kind kindOf(TracefsException.Kind kind) {
        switch (kind) {
            case NOT_PERMITTED:
            case UNREADABLE:
                return SourceException.Kind.NO_PERMISSION;
            case NOT_SUPPORTED:
            case EVENT_NOT_FOUND:
                return SourceException.Kind.NO_KERNEL_FEATURE;
            default:
                return SourceException.Kind.SYSTEM;
        }
    }

    private static int[] cpus(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            return CpuList.parse(r);
        }
    }

    private static String readParanoid() {
        try {
            return Files.readString(PARANOID, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /**
     * The perf_event_attr every CPU's event is opened with.
     *
     * @param readLost ask for PERF_FORMAT_LOST, so that read(2) gives the exact number of samples
     *     lost (Linux 6.0+)
     */
    ByteBuffer perfEventAttr(boolean readLost) {
        PerfEventAttr.Builder b = ringEvent()
                .samplePeriod(1)
                .sampleType(sampleFormat.sampleType())
                .readFormat(readLost ? PerfConstants.PERF_FORMAT_LOST : 0);
        if (options.stacks()) {
            withStacks(b);
        }
        return b.build().encode();
    }

    /**
     * The attrs of a hot-key counting group ({@link HotCountGroup}): the leader counts, matches
     * nothing and owns the ring; the samplers write {@link #hotSampleFormat()}; the counters only
     * count, or with stacks also write that format once every {@link TracepointOptions#stackPeriod}
     * drops.
     */
    ByteBuffer groupLeaderAttr() {
        // The reader wakes at a sixteenth of the ring: each pass may promote the keys that fill it
        // (HotKeys.promote), and a 1 MiB ring holds about 5,000 samples (216 bytes with 8 hot
        // keys), 5 ms at a million drops a second; once the keys are counted, few samples come,
        // and few wake-ups.
        return ringEvent(GROUP_WAKEUP_FRACTION).readFormat(PerfConstants.PERF_FORMAT_GROUP).build().encode();
    }

    /** A sampler of a hot-key counting group; see {@link #groupLeaderAttr()}. */
    ByteBuffer groupSamplerAttr() {
        return groupSampling(1).build().encode();
    }

    /**
     * A counter of a hot-key counting group; see {@link #groupLeaderAttr()}. With stacks it
     * samples every {@code stackPeriod}-th drop: a tracepoint event counts every drop it takes
     * and writes a sample only when its period runs out (perf_swevent_event() in
     * kernel/events/core.c), so the count stays exact. The sample_type must not have
     * PERF_SAMPLE_PERIOD, with which that function writes a sample for every drop.
     */
    ByteBuffer groupCounterAttr() {
        return options.stacks() ? groupSampling(options.stackPeriod()).build().encode()
                : tracepointEvent().build().encode();
    }

    /** Whether a counting group's counters write stack samples to the ring. */
    boolean countersSample() {
        return options.stacks();
    }

    private PerfEventAttr.Builder groupSampling(long period) {
        SampleFormat f = hotSampleFormat();
        PerfEventAttr.Builder b = ringEvent().samplePeriod(period).sampleType(f.sampleType()).readFormat(f.readFormat());
        return options.stacks() ? withStacks(b) : b;
    }

    /** Kernel call chains only, as deep as the kernel's default allows. */
    private static PerfEventAttr.Builder withStacks(PerfEventAttr.Builder b) {
        return b.excludeCallchainUser(true).sampleMaxStack(KfreeSkbDecoder.MAX_STACK);
    }

    /** skb:kfree_skb, opened disabled; on CLOCK_MONOTONIC with timestamps. */
    private PerfEventAttr.Builder tracepointEvent() {
        PerfEventAttr.Builder b = PerfEventAttr.builder()
                .type(PerfConstants.PERF_TYPE_TRACEPOINT)
                .config(layout.eventId())
                .disabled(true);
        if (options.timestamps()) {
            // The clock System.nanoTime() reads, so that sample times and the recorder's own
            // readings (a counted key's reads) compare (use_clockid, Linux 4.1+). Every member of
            // a counting group has it: PERF_EVENT_IOC_SET_OUTPUT refuses a ring of another clock.
            b.clockid(CLOCK_MONOTONIC);
        }
        return b;
    }

    /** {@link #tracepointEvent()} writing to a ring: the reader wakes once a quarter of it is full, not per event. */
    private PerfEventAttr.Builder ringEvent() {
        return ringEvent(4);
    }

    /** {@link #tracepointEvent()} writing to a ring whose reader wakes once {@code 1/fraction} of it is full. */
    private PerfEventAttr.Builder ringEvent(int fraction) {
        return tracepointEvent().wakeupWatermark(Math.max(options.ringPages() * pageSize / fraction, 1));
    }

    /** The samples of a hot-key counting group's samplers, without stacks. */
    static final SampleFormat HOT_SAMPLE_FORMAT = new SampleFormat(PerfConstants.PERF_SAMPLE_IDENTIFIER
            | PerfConstants.PERF_SAMPLE_READ | PerfConstants.PERF_SAMPLE_RAW, PerfConstants.PERF_FORMAT_GROUP);

    /** {@link #HOT_SAMPLE_FORMAT} with kernel call chains, which a group's counters write too. */
    static final SampleFormat HOT_STACK_SAMPLE_FORMAT = new SampleFormat(
            HOT_SAMPLE_FORMAT.sampleType() | PerfConstants.PERF_SAMPLE_CALLCHAIN, PerfConstants.PERF_FORMAT_GROUP);

    /**
     * The samples of this session's counting groups: with call chains when stacks are asked for,
     * with PERF_SAMPLE_TIME (after IDENTIFIER, before the group read) when timestamps are.
     */
    SampleFormat hotSampleFormat() {
        SampleFormat f = options.stacks() ? HOT_STACK_SAMPLE_FORMAT : HOT_SAMPLE_FORMAT;
        return options.timestamps() ? new SampleFormat(f.sampleType() | PerfConstants.PERF_SAMPLE_TIME,
                PerfConstants.PERF_FORMAT_GROUP) : f;
    }

    TracepointOptions options() {
        return options;
    }

    KfreeSkbLayout layout() {
        return layout;
    }

    DropReasons reasons() {
        return reasons;
    }

    String formatText() {
        return formatText;
    }

    int[] onlineCpus() {
        return onlineCpus.clone();
    }

    int cpuIdCount() {
        return cpuIdCount;
    }

    int pageSize() {
        return pageSize;
    }

    int pollMillis() {
        return options.pollMillis();
    }

    SampleFormat sampleFormat() {
        return sampleFormat;
    }

    String paranoidText() {
        return paranoid;
    }

    /**
     * The session's one-line description.
     *
     * @param counting whether hot keys are counted in the kernel, which decides how stacks are taken
     */
    String description(boolean counting) {
        String gen;
        switch (layout.generation()) {
            case NO_REASON:
                gen = "pre-5.17 layout, no reasons";
                break;
            case REASON:
                gen = "5.17+ layout, " + reasons.listedCount() + " reasons";
                break;
            default:
                gen = "6.11+ layout, " + reasons.listedCount() + " reasons";
                break;
        }
        return "tracepoint skb:kfree_skb (id " + layout.eventId() + ", " + gen + "), "
                + onlineCpus.length + " CPUs, " + (options.ringPages() * (long) pageSize / 1024)
                + " KiB ring per CPU" + (options.stacks() ? ", kernel stacks (" + options.stackSampling(counting) + ")" : "");
    }
}
