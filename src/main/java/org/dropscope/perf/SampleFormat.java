// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

/**
 * Where the fields of a {@code PERF_RECORD_SAMPLE} body are, for a given {@code sample_type}.
 *
 * <p>perf_event_open(2) fixes the order: IDENTIFIER, IP, TID, TIME, ADDR, ID, STREAM_ID, CPU,
 * PERIOD, READ, CALLCHAIN, RAW, then the rest. Every field before READ is 8 bytes, so everything
 * up to READ is at a fixed offset. READ is accepted only with {@code read_format}
 * PERF_FORMAT_GROUP alone ({@code u64 nr; u64 values[nr]}), the form the hot-key hand-over reads;
 * the fields after RAW are not used by dropscope. Anything else is rejected, so that a sample can
 * never be misparsed.
 */
public final class SampleFormat {
    /** PERF_SAMPLE_* bits with a fixed 8-byte field, in record order. */
    private static final long[] FIXED = {
        PerfConstants.PERF_SAMPLE_IDENTIFIER, PerfConstants.PERF_SAMPLE_IP, PerfConstants.PERF_SAMPLE_TID, PerfConstants.PERF_SAMPLE_TIME, PerfConstants.PERF_SAMPLE_ADDR,
        PerfConstants.PERF_SAMPLE_ID, PerfConstants.PERF_SAMPLE_STREAM_ID, PerfConstants.PERF_SAMPLE_CPU, PerfConstants.PERF_SAMPLE_PERIOD,
    };
    private static final long SUPPORTED = PerfConstants.PERF_SAMPLE_IDENTIFIER | PerfConstants.PERF_SAMPLE_IP | PerfConstants.PERF_SAMPLE_TID
            | PerfConstants.PERF_SAMPLE_TIME | PerfConstants.PERF_SAMPLE_ADDR | PerfConstants.PERF_SAMPLE_ID | PerfConstants.PERF_SAMPLE_STREAM_ID | PerfConstants.PERF_SAMPLE_CPU
            | PerfConstants.PERF_SAMPLE_PERIOD | PerfConstants.PERF_SAMPLE_READ | PerfConstants.PERF_SAMPLE_CALLCHAIN
            | PerfConstants.PERF_SAMPLE_RAW;

    private final long sampleType;
    private final long readFormat;
    private final int timeOffset;
    private final int variableOffset;

    /** A sample_type without PERF_SAMPLE_READ. */
    public SampleFormat(long sampleType) {
        this(sampleType, 0);
    }

    /**
     * @param readFormat the event's read_format: PERF_FORMAT_GROUP when sampleType has
     *     PERF_SAMPLE_READ (no other bit), anything otherwise (it shapes no sample then)
     * @throws IllegalArgumentException for bits this decoder cannot skip safely
     */
    public SampleFormat(long sampleType, long readFormat) {
        if ((sampleType & PerfConstants.PERF_SAMPLE_READ) != 0 && readFormat != PerfConstants.PERF_FORMAT_GROUP) {
            throw new IllegalArgumentException("PERF_SAMPLE_READ is read only with read_format PERF_FORMAT_GROUP, got 0x"
                    + Long.toHexString(readFormat));
        }
        this.readFormat = (sampleType & PerfConstants.PERF_SAMPLE_READ) != 0 ? readFormat : 0;
        if ((sampleType & ~SUPPORTED) != 0) {
            throw new IllegalArgumentException("unsupported sample_type bits 0x"
                    + Long.toHexString(sampleType & ~SUPPORTED));
        }
        if ((sampleType & PerfConstants.PERF_SAMPLE_RAW) == 0) {
            throw new IllegalArgumentException("PERF_SAMPLE_RAW is required for tracepoint data");
        }
        this.sampleType = sampleType;
        int off = PerfConstants.PERF_EVENT_HEADER_SIZE;
        int time = -1;
        for (long bit : FIXED) {
            if ((sampleType & bit) != 0) {
                if (bit == PerfConstants.PERF_SAMPLE_TIME) {
                    time = off;
                }
                off += 8;
            }
        }
        this.timeOffset = time;
        this.variableOffset = off;
    }

    public long sampleType() {
        return sampleType;
    }

    /** The read_format a PERF_SAMPLE_READ part follows; 0 without one. */
    public long readFormat() {
        return readFormat;
    }

    /**
     * Whether samples carry the group's counts: {@code u64 nr; u64 values[nr]} at
     * {@link #variableOffset()}, before any call chain.
     */
    public boolean hasGroupRead() {
        return (sampleType & PerfConstants.PERF_SAMPLE_READ) != 0;
    }

    /** Offset of the PERF_SAMPLE_IDENTIFIER id from the record start (always first), or -1. */
    public int identifierOffset() {
        return (sampleType & PerfConstants.PERF_SAMPLE_IDENTIFIER) != 0 ? PerfConstants.PERF_EVENT_HEADER_SIZE : -1;
    }

    public boolean hasCallchain() {
        return (sampleType & PerfConstants.PERF_SAMPLE_CALLCHAIN) != 0;
    }

    /** Offset of the u64 {@code time} from the record start, or -1 without PERF_SAMPLE_TIME. */
    public int timeOffset() {
        return timeOffset;
    }

    /**
     * Offset from the record start of the first variable-length part: READ, else the call chain,
     * else RAW.
     */
    public int variableOffset() {
        return variableOffset;
    }
}
