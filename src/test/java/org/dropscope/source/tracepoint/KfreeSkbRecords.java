// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropSink;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfRing;
import org.dropscope.perf.RingImage;

/**
 * Perf records of {@code skb:kfree_skb} as the kernel writes them into a ring, for tests, in the
 * Linux 6.11+ layout of the committed 6.18.44 format fixture: skbaddr@8 location@16 rx_sk@24
 * protocol@32 reason@36, 40 bytes, padded to 44 so that the record ends 8-byte aligned.
 */
final class KfreeSkbRecords {
    static final int LOCATION = 16;
    static final int PROTOCOL = 32;
    static final int REASON = 36;
    /** Where the committed kallsyms snapshot has {@code __udp4_lib_rcv}'s drop. */
    static final long UDP_RCV = 0xffffffff81c3a9a2L;
    /** A UDP socket's receive queue drop, the key hot-key tests promote. */
    static final long UDP_QUEUE = 0xffffffff81c3b000L;
    static final int NO_SOCKET = 3;
    static final int RCVBUFF = 6;

    private KfreeSkbRecords() {
    }

    /** A RAW-only sample. */
    static byte[] sample(long location, int reason) {
        return raw(new RingImage.Rec(PerfConstants.PERF_RECORD_SAMPLE), location, reason, 0x0800);
    }

    /** A TIME + RAW sample, as a recording source's events write it. */
    static byte[] timedSample(long time, long location, int reason, int protocol) {
        return raw(new RingImage.Rec(PerfConstants.PERF_RECORD_SAMPLE).u64(time), location, reason, protocol);
    }

    /**
     * A sample of a hot-key counting group's sampler ({@link TracepointSetup#HOT_SAMPLE_FORMAT}):
     * the sampler's id, the group's values as given (leader, S0..SK, C1..CK), RAW.
     */
    static byte[] groupSample(long samplerId, long[] group, long location, int reason) {
        return groupSample(new RingImage.Rec(PerfConstants.PERF_RECORD_SAMPLE).u64(samplerId), group, location, reason);
    }

    /** {@link #groupSample} as a recording's group writes it: PERF_SAMPLE_TIME {@code time} after the id. */
    static byte[] timedGroupSample(long samplerId, long time, long[] group, long location, int reason) {
        return groupSample(new RingImage.Rec(PerfConstants.PERF_RECORD_SAMPLE).u64(samplerId).u64(time), group,
                location, reason);
    }

    private static byte[] groupSample(RingImage.Rec r, long[] group, long location, int reason) {
        r.u64(group.length);
        for (long v : group) {
            r.u64(v);
        }
        return raw(r, location, reason, 0x0800);
    }

    /**
     * A sample of a counting group's member with stacks
     * ({@link TracepointSetup#HOT_STACK_SAMPLE_FORMAT}): the member's id, the group's values as
     * given, the kernel call chain {@code frames} (after PERF_CONTEXT_KERNEL), RAW.
     */
    static byte[] groupStackSample(long id, long[] group, long[] frames, long location, int reason) {
        return groupStackSample(new RingImage.Rec(PerfConstants.PERF_RECORD_SAMPLE).u64(id), group, frames,
                location, reason);
    }

    /**
     * {@link #groupStackSample} as a recording's group writes it: PERF_SAMPLE_TIME {@code time}
     * between the id and the group's values.
     */
    static byte[] timedGroupStackSample(long id, long time, long[] group, long[] frames, long location, int reason) {
        return groupStackSample(new RingImage.Rec(PerfConstants.PERF_RECORD_SAMPLE).u64(id).u64(time), group, frames,
                location, reason);
    }

    private static byte[] groupStackSample(RingImage.Rec r, long[] group, long[] frames, long location, int reason) {
        r.u64(group.length);
        for (long v : group) {
            r.u64(v);
        }
        r.u64(frames.length + 1).u64(PerfConstants.PERF_CONTEXT_KERNEL);
        for (long ip : frames) {
            r.u64(ip);
        }
        return raw(r, location, reason, 0x0800);
    }

    /** A group read(2) as the kernel returns it: u64 nr, then the values, in native byte order. */
    static ByteBuffer groupRead(long[] values) {
        ByteBuffer b = ByteBuffer.allocate(8 * (values.length + 1)).order(ByteOrder.nativeOrder());
        b.putLong(0, values.length);
        for (int i = 0; i < values.length; i++) {
            b.putLong(8 * (i + 1), values[i]);
        }
        return b;
    }

    /** Decodes {@code records}, written into a fresh ring, as CPU {@code cpu}'s into one batch of {@code agg}. */
    static void drain(KfreeSkbDecoder dec, DropAggregator agg, int cpu, byte[]... records) {
        RingImage img = new RingImage(4);
        try (PerfRing ring = new PerfRing(img.mapping(), RingImage.PAGE)) {
            for (byte[] r : records) {
                img.write(r);
            }
            DropSink w = agg.newWriter();
            dec.bind(cpu, w);
            w.begin();
            ring.drain(dec, Integer.MAX_VALUE);
            w.end();
        }
    }

    /** PERF_RECORD_LOST: {@code n} samples the ring had no room for. */
    static byte[] lost(long n) {
        return new RingImage.Rec(PerfConstants.PERF_RECORD_LOST).u64(42).u64(n).bytes();
    }

    private static byte[] raw(RingImage.Rec r, long location, int reason, int protocol) {
        return r.u32(44)                     // raw size: 40-byte entry + 4 bytes padding
                .u16(1234).u16(0).u32(77)    // common_type, flags+preempt, common_pid
                .u64(0xffff888012345600L)    // skbaddr
                .u64(location)               // location
                .u64(0)                      // rx_sk
                .u16(protocol).u16(0)        // protocol, hole
                .u32(reason)                 // reason
                .u32(0)                      // padding to 8-byte record alignment
                .bytes();
    }
}
