// SPDX-License-Identifier: Apache-2.0
package org.dropscope.perf;

/**
 * Where the fields of a {@code PERF_RECORD_SAMPLE} body are, for a given {@code sample_type}.
 *
 * <p>perf_event_open(2) fixes the order: IDENTIFIER, IP, TID, TIME, ADDR, ID, STREAM_ID, CPU,
 * PERIOD, READ, CALLCHAIN, RAW, then the rest. Every field before READ is 8 bytes, so everything
 * up to the call chain is at a fixed offset. READ and the fields after RAW are not used by
 * dropscope and are rejected, so that a sample can never be misparsed.
 */
public final class SampleFormat {
    /** PERF_SAMPLE_* bits with a fixed 8-byte field, in record order. */
    private static final long[] FIXED = {
        PerfConstants.PERF_SAMPLE_IDENTIFIER, PerfConstants.PERF_SAMPLE_IP, PerfConstants.PERF_SAMPLE_TID, PerfConstants.PERF_SAMPLE_TIME, PerfConstants.PERF_SAMPLE_ADDR,
        PerfConstants.PERF_SAMPLE_ID, PerfConstants.PERF_SAMPLE_STREAM_ID, PerfConstants.PERF_SAMPLE_CPU, PerfConstants.PERF_SAMPLE_PERIOD,
    };
    private static final long SUPPORTED = PerfConstants.PERF_SAMPLE_IDENTIFIER | PerfConstants.PERF_SAMPLE_IP | PerfConstants.PERF_SAMPLE_TID
            | PerfConstants.PERF_SAMPLE_TIME | PerfConstants.PERF_SAMPLE_ADDR | PerfConstants.PERF_SAMPLE_ID | PerfConstants.PERF_SAMPLE_STREAM_ID | PerfConstants.PERF_SAMPLE_CPU
            | PerfConstants.PERF_SAMPLE_PERIOD | PerfConstants.PERF_SAMPLE_CALLCHAIN | PerfConstants.PERF_SAMPLE_RAW;

    private final long sampleType;
    private final int timeOffset;
    private final int variableOffset;

    /** @throws IllegalArgumentException for bits this decoder cannot skip safely */
    public SampleFormat(long sampleType) {
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

    public boolean hasCallchain() {
        return (sampleType & PerfConstants.PERF_SAMPLE_CALLCHAIN) != 0;
    }

    /** Offset of the u64 {@code time} from the record start, or -1 without PERF_SAMPLE_TIME. */
    public int timeOffset() {
        return timeOffset;
    }

    /** Offset from the record start of the call chain, or of RAW when there is no call chain. */
    public int variableOffset() {
        return variableOffset;
    }
}
