// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.dropscope.aggregate.StackTable;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropEventSink;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.filter.DropFilter;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfRecordHandler;
import org.dropscope.perf.SampleFormat;
import org.dropscope.source.DropRouter;
import org.dropscope.tracefs.KfreeSkbLayout;

/**
 * Decodes the records of a perf ring attached to {@code skb:kfree_skb} into drops.
 *
 * <p>A sample's RAW part is the tracepoint's entry as the {@code format} file describes it; the
 * offsets of {@code location} and {@code reason} are given at construction, read from that file
 * (they moved in 5.17 and 6.11). The CPU is the ring's, set with {@link #bind} before each drain,
 * so samples need no PERF_SAMPLE_CPU. Nothing here allocates except the first sighting of a new
 * call chain, which the stack table copies once.
 *
 * <p>Everything else is fixed at construction too ({@link Config}). When recording, each sample
 * is also handed, with its PERF_SAMPLE_TIME and the raw entry's {@code protocol}, to a
 * {@link DropEventSink} through one reused {@link DropEvent}; when not, that costs one check per
 * sample. With a filter, the same reused event is tested first, and a sample it rejects is
 * neither counted nor recorded. The drops a hot key's counter counted are recorded too, as one
 * event of their count each time they are handed on ({@link #countedAt}).
 *
 * <p>One instance per reader thread.
 */
public final class KfreeSkbDecoder implements PerfRecordHandler {
    /** The kernel's default kernel.perf_event_max_stack. */
    public static final int MAX_STACK = 127;

    /**
     * What a decoder reads and where its samples go, for the decoder's whole life.
     *
     * @param format the sample_type (and read_format) the events were opened with
     * @param locationOffset offset of the 8-byte {@code location} field in the raw entry
     * @param reasonOffset offset of the 4-byte {@code reason} field, or -1 before Linux 5.17
     * @param protocolOffset offset of the 2-byte {@code protocol} field, which recording and
     *     filtering read, or -1
     * @param stacks where call chains are interned; required when the format has CALLCHAIN
     * @param recorder also receives every sample and loss, or null; needs PERF_SAMPLE_TIME
     * @param filter tests every sample before it is counted or recorded, or null; allocation-free,
     *     as {@link DropFilter} is. Without PERF_SAMPLE_TIME the event's time is 0, which no
     *     filter term reads
     * @param hotKeys for the samples of hot-key counting groups ({@link HotCountGroup}), or null:
     *     each carries its sampler's id and the group's counts, and the keys decide whether it
     *     counts; the format must have IDENTIFIER and the group read. With a call chain, a sample
     *     whose id is a counter's is a stack sample of a counted key, not a drop
     */
    public record Config(SampleFormat format, int locationOffset, int reasonOffset, int protocolOffset,
            StackTable stacks, DropEventSink recorder, DropFilter filter, HotKeys hotKeys) {

        /** Reads the fields at these offsets; no stacks, recorder, filter or hot keys. */
        public static Config of(SampleFormat format, int locationOffset, int reasonOffset, int protocolOffset) {
            return new Config(format, locationOffset, reasonOffset, protocolOffset, null, null, null, null);
        }

        /** Reads the fields where {@code layout} has them. */
        public static Config of(SampleFormat format, KfreeSkbLayout layout) {
            return of(format, layout.locationOffset(), layout.reasonOffset(), layout.protocolOffset());
        }

        public Config withStacks(StackTable table) {
            return new Config(format, locationOffset, reasonOffset, protocolOffset, table, recorder, filter, hotKeys);
        }

        public Config recording(DropEventSink events) {
            return new Config(format, locationOffset, reasonOffset, protocolOffset, stacks, events, filter, hotKeys);
        }

        public Config filtering(DropFilter test) {
            return new Config(format, locationOffset, reasonOffset, protocolOffset, stacks, recorder, test, hotKeys);
        }

        public Config countingHotKeys(HotKeys keys) {
            return new Config(format, locationOffset, reasonOffset, protocolOffset, stacks, recorder, filter, keys);
        }
    }

    private final SampleFormat format;
    private final int locationOffset;
    private final int reasonOffset;
    private final int minRawSize;
    private final StackTable stacks;
    private final long[] chain = new long[MAX_STACK];
    // The last chain interned and its id: drops come in bursts from one place, and a repeated
    // chain then costs one array compare instead of a hash over every frame and a table probe.
    // Ids stay valid for the table's life, and the table is fixed at construction.
    private final long[] lastChain = new long[MAX_STACK];
    private int lastDepth = -1;
    private int lastStackId;
    private DropSink sink;
    private int cpu;
    // Written only by the reader thread; volatile so that `stats` on another thread sees them.
    private volatile long malformed;
    private volatile long throttled;
    private volatile long stackOverflow;
    // Reader thread only: samples reported lost by PERF_RECORD_LOST(_SAMPLES) records so far, and
    // sample records read (malformed and filtered ones included).
    private long lost;
    private long samples;
    // Stack samples of counted keys: not drops, not in `samples`; volatile for `stats`.
    private volatile long stackSamples;
    // Filtering (the user-space part of --filter; the kernel has applied its part already) and
    // recording; the event is reused for every sample that goes this way.
    private final DropRouter route = new DropRouter();
    // route.active(), kept here: one field of this object is all the counting path reads.
    private final boolean routed;
    private final DropEvent event = new DropEvent();
    private final int protocolOffset;
    // Set when the samples come from a hot-key counting group; see HotKeys.
    private final HotKeys hot;
    // Where counted keys' drops go when routed (countedAt), and the time they are recorded at.
    private final DropSink counted = new CountedDrops();
    private long countedTime;

    /**
     * @throws IllegalArgumentException if the format lacks what {@code config} needs: a call
     *     chain without a stack table, a recorder without PERF_SAMPLE_TIME, hot keys without
     *     IDENTIFIER and the group read
     */
    public KfreeSkbDecoder(Config config) {
        SampleFormat f = config.format();
        if (f.hasCallchain() && config.stacks() == null) {
            throw new IllegalArgumentException("call chains need a stack table");
        }
        if (config.recorder() != null && f.timeOffset() < 0) {
            throw new IllegalArgumentException("recording needs PERF_SAMPLE_TIME in the sample_type");
        }
        if (config.hotKeys() != null && (f.identifierOffset() < 0 || !f.hasGroupRead())) {
            throw new IllegalArgumentException("hot keys need IDENTIFIER and a group read");
        }
        this.format = f;
        this.locationOffset = config.locationOffset();
        this.reasonOffset = config.reasonOffset();
        this.minRawSize = Math.max(locationOffset + 8, reasonOffset + 4);
        this.stacks = config.stacks();
        this.protocolOffset = config.protocolOffset();
        this.hot = config.hotKeys();
        route.record(config.recorder());
        route.filter(config.filter());
        this.routed = route.active();
    }

    /** Directs the following records to {@code sink}, counted as CPU {@code cpu}. */
    public void bind(int cpu, DropSink sink) {
        this.cpu = cpu;
        this.sink = sink;
    }

    @Override
    public void onRecord(ByteBuf buf, int offset, int type, int size) {
        switch (type) {
            case PerfConstants.PERF_RECORD_SAMPLE:
                if (sample(buf, offset, size)) {
                    samples++;
                } else {
                    stackSamples++;
                }
                break;
            // The count is u64 lost after u64 id (LOST), or u64 lost right after the header
            // (LOST_SAMPLES); a record too short for it is malformed, not read past its end.
            case PerfConstants.PERF_RECORD_LOST:
                if (size < 24) {
                    malformed++;
                } else {
                    lost(buf.getLongLE(offset + 16));
                }
                break;
            case PerfConstants.PERF_RECORD_LOST_SAMPLES:
                if (size < 16) {
                    malformed++;
                } else {
                    lost(buf.getLongLE(offset + 8));
                }
                break;
            case PerfConstants.PERF_RECORD_THROTTLE:
                throttled++;
                break;
            default:
                // UNTHROTTLE and record types the event was not asked for carry no drops.
                break;
        }
    }

    private void lost(long n) {
        lost += n;
        if (hot != null) {
            // A counting group's ring also loses samples of drops a successor took: its losses
            // come from the group's counts instead (HotKeys.lost).
            return;
        }
        sink.lost(cpu, n);
        // LOST records carry no time without sample_id_all; System.nanoTime() is CLOCK_MONOTONIC,
        // the samples' clock when recording.
        route.lost(System.nanoTime(), cpu, n);
    }

    /**
     * Sample records decoded so far, whatever became of them, except counted keys' stack
     * samples; for the reader thread only.
     */
    public long samplesRead() {
        return samples;
    }

    /** Samples reported lost by the records decoded so far; for the reader thread only. */
    public long lostReported() {
        return lost;
    }

    /** @return false for a counted key's stack sample, true for every other sample */
    private boolean sample(ByteBuf buf, int offset, int size) {
        int end = offset + size;
        int p = offset + format.variableOffset();
        int stackId = DropSink.NO_STACK;
        int generation = -1;
        int counter = 0;
        int values = 0;
        if (hot != null) {
            // IDENTIFIER (at offset 8, before p), then the group read: u64 nr, u64 values[nr].
            if (p + 8 > end) {
                malformed++;
                return true;
            }
            long id = buf.getLongLE(offset + format.identifierOffset());
            generation = hot.generationOf(cpu, id);
            if (generation < 0) {
                counter = hot.counterOf(cpu, id);
            }
            long nr = buf.getLongLE(p);
            values = p + 8;
            if (generation < 0 && counter == 0 || nr != hot.groupSize() || nr > (end - values) / 8) {
                malformed++;
                return true;
            }
            p = values + (int) nr * 8;
        }
        if (format.hasCallchain()) {
            if (p + 8 > end) {
                malformed++;
                return counter == 0;
            }
            long nr = buf.getLongLE(p);
            p += 8;
            if (nr < 0 || nr > (end - p) / 8) {
                malformed++;
                return counter == 0;
            }
            stackId = internChain(buf, p, (int) nr);
            p += (int) nr * 8;
        }
        if (counter != 0) {
            // Its raw entry is the key's, which the counter's filter matched: nothing to read. Its
            // group read is as of its own time, which the drops it hands on are recorded at.
            hot.stackSample(cpu, counter, buf, values, stackId, countedAt(sampleTime(buf, offset)));
            return false;
        }
        if (p + 4 > end) {
            malformed++;
            return true;
        }
        int rawSize = buf.getIntLE(p);
        p += 4;
        if (rawSize < minRawSize || p + rawSize > end) {
            malformed++;
            return true;
        }
        long location = buf.getLongLE(p + locationOffset);
        int reason = reasonOffset >= 0 ? buf.getIntLE(p + reasonOffset) : DropSink.NO_REASON;
        if (hot != null && !hot.accept(cpu, generation, buf, values, location, reason)) {
            return true;
        }
        if (!routed) {
            sink.drop(cpu, DropOrigin.SOFTWARE, location, reason, stackId, 1);
        } else {
            dropFilteredOrRecorded(buf, offset, p, rawSize, location, reason, stackId);
        }
        return true;
    }

    /**
     * Fills the reused event and routes it: filter, count, recorder. Kept out of {@link #sample}:
     * with the recorder's values in the counting path, they stayed live across the inlined count and cost that path a fifth of its speed (HotPathBenchmark,
     * docs/performance.md).
     */
    private void dropFilteredOrRecorded(ByteBuf buf, int offset, int raw, int rawSize, long location, int reason,
            int stackId) {
        int protocol = protocolOffset >= 0 && protocolOffset + 2 <= rawSize
                ? buf.getUnsignedShortLE(raw + protocolOffset) : 0;
        event.set(sampleTime(buf, offset), cpu, DropOrigin.SOFTWARE, location, reason, stackId, 1)
                .packet(protocol, 0, 0);
        route.drop(sink, event);
    }

    /** The sample's PERF_SAMPLE_TIME, or 0 without one. */
    private long sampleTime(ByteBuf buf, int offset) {
        return format.timeOffset() >= 0 ? buf.getLongLE(offset + format.timeOffset()) : 0;
    }

    /**
     * Where the drops a hot key's counter counted go ({@link HotKeys}): the bound sink and, when
     * recording, the recorder, each call one event of the count handed on, at {@code timeNanos}
     * (the time of the group read that found them, on the samples' clock), with no protocol. So
     * do the losses a counting group's counts show (the rings' records do not say them). Valid
     * until the next call; reader thread only.
     */
    DropSink countedAt(long timeNanos) {
        countedTime = timeNanos;
        return routed ? counted : sink;
    }

    /** {@link #countedAt}'s sink when drops are routed: the bound sink's batch, the event recorded. */
    private final class CountedDrops implements DropSink {
        @Override
        public void begin() {
            sink.begin();
        }

        @Override
        public void drop(int cpu, DropOrigin origin, long location, int reason, int stackId, long count) {
            event.set(countedTime, cpu, origin, location, reason, stackId, count).packet(0, 0, 0);
            route.drop(sink, event);
        }

        @Override
        public void lost(int cpu, long count) {
            sink.lost(cpu, count);
            route.lost(countedTime, cpu, count);
        }

        @Override
        public void end() {
            sink.end();
        }
    }

    /** Samples the user-space filter rejected (the kernel's part rejects before writing a sample). */
    public long filtered() {
        return route.filtered();
    }

    /** Keeps the kernel frames: entries after PERF_CONTEXT_KERNEL, up to any other marker. */
    private int internChain(ByteBuf buf, int p, int nr) {
        int depth = 0;
        boolean kernel = false;
        for (int k = 0; k < nr && depth < chain.length; k++) {
            long ip = buf.getLongLE(p + 8 * k);
            if (Long.compareUnsigned(ip, PerfConstants.PERF_CONTEXT_MAX) >= 0) {
                kernel = ip == PerfConstants.PERF_CONTEXT_KERNEL;
                if (!kernel && depth > 0) {
                    break;
                }
                continue;
            }
            if (kernel) {
                chain[depth++] = ip;
            }
        }
        if (depth == lastDepth && Arrays.equals(chain, 0, depth, lastChain, 0, depth)) {
            return lastStackId;
        }
        int id = stacks.intern(chain, depth);
        if (id < 0) {
            stackOverflow++;
            return DropSink.NO_STACK;
        }
        System.arraycopy(chain, 0, lastChain, 0, depth);
        lastDepth = depth;
        lastStackId = id;
        return id;
    }

    /** Samples too short for the tracepoint's layout, and lost records too short for their count: skipped. */
    public long malformed() {
        return malformed;
    }

    /** PERF_RECORD_THROTTLE records: the kernel paused the event for exceeding its rate limit. */
    public long throttled() {
        return throttled;
    }

    /** Stack samples of keys counted in the kernel ({@link HotKeys#stackSample}): not drops. */
    public long stackSamples() {
        return stackSamples;
    }

    /** Samples counted without a stack because the stack table was full. */
    public long stackOverflow() {
        return stackOverflow;
    }
}
