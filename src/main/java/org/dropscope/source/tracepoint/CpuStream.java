// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import org.dropscope.event.DropSink;
import org.dropscope.nativeio.NativeException;
import org.dropscope.perf.PerfMmapPage;
import org.dropscope.perf.PerfRing;
import org.dropscope.perf.PerfSyscalls.Event;
import org.dropscope.perf.PerfSyscalls.RingMapping;
import org.dropscope.source.SourceException;

/**
 * One CPU's part of a tracepoint session: its perf events, the ring they write to, and what its
 * reader has taken from that ring. A {@link SamplingStream} is one event that samples every drop;
 * a {@link CountingStream} is a hot-key counting group whose samplers share the leader's ring.
 *
 * <p>A stream is opened whole or not at all ({@link #withRing}) and released by {@link #close},
 * once. The session's thread filters, enables and disables it; its reader thread drains it and,
 * at the end, asks for the losses no record reported.
 */
abstract class CpuStream implements AutoCloseable {
    /** Opens the stream of one CPU; the session opens one per online CPU, in order. */
    interface Opener {
        CpuStream open(int cpu) throws SourceException;
    }

    /** Makes a stream once its owner's ring is mapped. */
    interface Maker<S extends CpuStream> {
        S make(RingMapping mapping) throws SourceException;
    }

    private final int cpu;
    private final RingMapping mapping;
    private final PerfRing ring;
    /** Samples reported lost by PERF_RECORD_LOST(_SAMPLES) records; reader thread only. */
    private long lostReported;
    /** Sample records read; reader thread only. */
    private long samplesRead;
    /** Whether the next drain hands something on however empty the ring: set by each drain. */
    private volatile boolean handsOnAnyway;

    CpuStream(int cpu, RingMapping mapping, int pageSize) {
        this.cpu = cpu;
        this.mapping = mapping;
        this.ring = new PerfRing(mapping.buffer(), pageSize);
    }

    /**
     * Maps the ring of {@code owner} (one metadata page and the session's data pages) and makes
     * the stream; if either fails, unmaps and runs {@code release}, which closes the events.
     */
    static <S extends CpuStream> S withRing(TracepointSetup setup, Event owner, Runnable release, int cpu,
            Maker<S> maker) throws SourceException {
        long bytes = PerfMmapPage.mappingLength(setup.options().ringPages(), setup.pageSize());
        RingMapping mapping = null;
        boolean ok = false;
        try {
            mapping = PerfErrors.mmap(owner, bytes, cpu);
            S stream = maker.make(mapping);
            ok = true;
            return stream;
        } finally {
            if (!ok) {
                if (mapping != null) {
                    mapping.close();
                }
                release.run();
            }
        }
    }

    final int cpu() {
        return cpu;
    }

    /** The event whose fd is polled: the one that owns the ring. */
    abstract Event polled();

    /** Sets the kernel's part of the user's filter; the events are still disabled. */
    abstract void filter(String tracefsFilter) throws SourceException;

    abstract void enable() throws NativeException;

    /** Stops every event of the stream at once. */
    abstract void disable() throws NativeException;

    /**
     * Decodes what the ring holds into {@code writer}, within the writer's batch, and keeps count
     * of the samples read and the losses records reported. Reader thread.
     *
     * @return whether the ring had anything, or the stream handed counts or losses on after it
     */
    final boolean drain(KfreeSkbDecoder decoder, DropSink writer) throws SourceException {
        decoder.bind(cpu, writer);
        long before = decoder.lostReported();
        long samplesBefore = decoder.samplesRead();
        boolean read = ring.drain(decoder, ring.dataSize()) > 0;
        lostReported += decoder.lostReported() - before;
        samplesRead += decoder.samplesRead() - samplesBefore;
        // A counted key's drops reach the aggregator and a recording only through this read of
        // the counts, however empty the ring stays (its counter writes no sample to wake the
        // reader): while they move, the reader must keep its poll interval (ReaderPace), so
        // that per-second views and recordings get them a pass apart.
        boolean handed = afterDrain(decoder, writer);
        keepUp();
        return handed || read;
    }

    /**
     * Tells {@link #nothingToRead} what the next drain hands on beside the ring: after each
     * drain, and after a hand-over promoted a key. Reader thread.
     */
    final void keepUp() {
        handsOnAnyway = handsOnWithoutRing();
    }

    /**
     * Whether a drain now would find nothing: the ring empty and nothing else to hand on
     * ({@link #handsOnWithoutRing}, as the last drain left it). Any thread; records a drain has
     * taken but not handed on yet are not seen, so the caller waits for a drain under way.
     */
    final boolean nothingToRead() {
        return !handsOnAnyway && !ring.hasUnread();
    }

    /**
     * After a drain: whether the next one may hand something on from outside the ring (counts
     * read from the kernel). Reader thread.
     */
    boolean handsOnWithoutRing() {
        return false;
    }

    /**
     * What a stream hands to the writer (and the decoder's recorder) after its ring, in the same
     * batch.
     *
     * @return whether it handed anything on
     */
    boolean afterDrain(KfreeSkbDecoder decoder, DropSink writer) throws SourceException {
        return false;
    }

    /** Whether {@link #unreportedLosses} knows anything. */
    abstract boolean readsLosses();

    /**
     * Once the events are disabled and the ring drained: samples lost that the writer was not
     * told of yet, from the events' own counts (a {@link CountingStream}'s are exact, see there). The kernel writes a PERF_RECORD_LOST only when the next sample
     * on that CPU finds room, so samples lost just before a CPU went quiet are in no record; and
     * on 6.18 some drops freed from RCU callbacks (a UDP socket's queue purged when it is
     * destroyed) are taken by the event without a sample written or counted lost
     * (docs/performance.md). 0 or less: nothing to add.
     */
    abstract long unreportedLosses() throws NativeException, SourceException;

    /**
     * The loss formula: {@code counted} samples the kernel counted lost, less what records
     * reported, plus the drops taken but neither written nor counted lost ({@code unwritten},
     * never below zero).
     */
    final long unreported(long counted, long unwritten) {
        return counted - lostReported + Math.max(unwritten, 0);
    }

    final long samplesRead() {
        return samplesRead;
    }

    /** Times the ring's contents were found inconsistent. */
    final long corrupt() {
        return ring.corrupt();
    }

    /** Releases the ring reader, the mapping, then the events. Never throws. */
    @Override
    public final void close() {
        ring.close();
        mapping.close();
        closeEvents();
    }

    abstract void closeEvents();
}
