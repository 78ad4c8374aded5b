// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import static org.dropscope.source.tracepoint.KfreeSkbRecords.UDP_RCV;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.nativeio.Errno;
import org.dropscope.perf.FakePerfSyscalls;
import org.dropscope.perf.FakePerfSyscalls.Call;
import org.dropscope.perf.FakePerfSyscalls.FakeEvent;
import org.dropscope.perf.RingImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The loss arithmetic of a tracepoint session, over fake rings and counts: what the kernel's
 * PERF_RECORD_LOST records report, plus, once the events are disabled and the rings drained, what
 * the events' own counts say no record reported (see {@link CpuStream#unreportedLosses}).
 */
class TracepointLossTest {
    private static final int NO_SOCKET = 3;
    private static final int RCVBUFF = 6;
    private static final int CPUS = 2;
    /** The CPU with the ring under test; CPU 0 stays quiet. */
    private static final int CPU = 1;

    /**
     * A sampling event: {@code samples} sample records and LOST records for {@code reported} in
     * its ring; read(2) gives {@code count} drops taken and {@code counted} samples lost.
     */
    @ParameterizedTest(name = "{0} samples, LOST records for {1}, count {2}, lost {3}: {4} lost")
    @CsvSource({
        "3, 5, 8, 5, 5",    // every loss in a record: the counts add nothing
        "2, 0, 6, 4, 4",    // the CPU went quiet before a record could be written: the count has them
        "2, 1, 6, 4, 4",    // one record, then quiet: the rest from the count
        "7, 0, 10, 0, 3",   // drops the event took without writing or counting a sample (RCU callbacks, 6.18)
        "3, 0, 4, 2, 2",    // a count short of samples + lost takes nothing off the samples counted lost
        "1, 5, 3, 2, 5",    // records beyond the count: nothing is taken back
    })
    void samplingLossesAreRecordsPlusWhatTheCountsSayNoRecordReported(int samples, int reported, long count,
            long counted, long lost) throws Exception {
        FakePerfSyscalls perf = new FakePerfSyscalls();
        Snapshot s = run(perf, FakeTracepoint.sampling(), () -> {
            FakeEvent event = perf.events(CPU).get(0);
            writeSamples(event.ring(), samples, reported);
            event.count(count).lost(counted);
        });
        assertEquals(samples, s.cpuEventsTotal(CPU));
        assertEquals(lost, s.cpuLostTotal(CPU));
        assertEquals(0, s.cpuLostTotal(0));
        assertEquals(List.of(), perf.leaks());
    }

    /** Linux before 6.0 refuses PERF_FORMAT_LOST: then the records are all there is. */
    @Test
    void withoutLostCountsOnlyTheRecordsCount() throws Exception {
        FakePerfSyscalls perf = new FakePerfSyscalls().fail(Call.OPEN, 0, 1, Errno.EINVAL);
        Snapshot s = run(perf, FakeTracepoint.sampling(), () -> {
            for (int cpu = 0; cpu < CPUS; cpu++) {
                assertEquals(0, perf.events(cpu).get(perf.events(cpu).size() - 1).readFormat(), "read_format");
            }
            FakeEvent event = perf.events(CPU).get(0);
            writeSamples(event.ring(), 2, 1);
            event.count(10).lost(4);
        });
        assertEquals(2, s.cpuEventsTotal(CPU));
        assertEquals(1, s.cpuLostTotal(CPU));
        assertEquals(List.of(), perf.leaks());
    }

    /**
     * A counting group on CPU 1: the leader counted 10 drops, S0 took them all and wrote 7
     * samples, 2 lost with a record and 1 without; its last sample's drop was also taken by S1
     * (a duplicate, skipped), which wrote a sample of its own. Every drop is counted once or lost:
     * 7 counted (6 + S1's), 3 lost, from the leader's count.
     */
    @Test
    void aCountingGroupsLossesComeFromItsLeadersCount() throws Exception {
        FakePerfSyscalls perf = new FakePerfSyscalls();
        TracepointSource[] source = new TracepointSource[1];
        Snapshot s = run(perf, FakeTracepoint.counting(1000), source, overlap(perf, 6, true));
        assertEquals(7, s.cpuEventsTotal(CPU));
        assertEquals(3, s.cpuLostTotal(CPU));
        assertEquals(0, s.cpuLostTotal(0));
        assertEquals(1L, source[0].counters().get("samples also counted by a successor (skipped)"));
        assertEquals(List.of(), perf.leaks());
    }

    /**
     * The hand-over's overlap in a full ring: the leader counted 10 drops; S0 wrote samples of
     * drops 1 to 8, the ring lost those of 9 and 10 (one record for both); drop 10 was S1's as
     * well, and S1's sample of it was read. Only drop 9 is lost: 9 counted + 1 lost = the
     * leader's 10. The samplers' counts (S0 10, S1 1, less 9 samples read) would say 2, and so
     * does the record.
     */
    @Test
    void aLostDuplicateIsNotALoss() throws Exception {
        FakePerfSyscalls perf = new FakePerfSyscalls();
        Snapshot s = run(perf, FakeTracepoint.counting(1000), overlap(perf, 8, false));
        assertEquals(9, s.cpuEventsTotal(CPU));
        assertEquals(1, s.cpuLostTotal(CPU));
        assertEquals(List.of(), perf.leaks());
    }

    /**
     * CPU 1's group in a hand-over: the leader and S0 counted 10 drops, the 10th S1's too. The
     * ring holds S0's samples of drops 1 to {@code written}; if {@code duplicateWritten}, a LOST
     * record for those up to the 8th (the 9th is in none) and S0's sample of the 10th, else a
     * record for the rest; then S1's sample of the 10th.
     */
    private static Kernel overlap(FakePerfSyscalls perf, int written, boolean duplicateWritten) {
        return () -> {
            List<FakeEvent> group = perf.events(CPU);
            long s0 = group.get(1).eventId();
            long s1 = group.get(2).eventId();
            RingImage ring = group.get(0).ring();
            for (int i = 1; i <= written; i++) {
                ring.write(KfreeSkbRecords.groupSample(s0, values(i, 0), UDP_RCV, NO_SOCKET));
            }
            ring.write(KfreeSkbRecords.lost(duplicateWritten ? 8 - written : 10 - written));
            if (duplicateWritten) {
                ring.write(KfreeSkbRecords.groupSample(s0, values(10, 1), UDP_RCV, RCVBUFF));
            }
            ring.write(KfreeSkbRecords.groupSample(s1, values(10, 1), UDP_RCV, RCVBUFF));
            group.get(0).count(10);
            group.get(1).count(10);
            group.get(2).count(1);
        };
    }

    /** A group read of capacity K: leader, S0, S1, S2..SK and C1..CK at 0. */
    private static long[] values(long s0, long s1) {
        long[] v = new long[2 * TracepointOptions.HOT_KEYS + 2];
        v[1] = s0;
        v[2] = s1;
        return v;
    }

    /** {@code samples} samples of NO_SOCKET, then one LOST record for {@code reported}, if any. */
    private static void writeSamples(RingImage ring, int samples, int reported) {
        for (int i = 0; i < samples; i++) {
            ring.write(KfreeSkbRecords.sample(UDP_RCV, NO_SOCKET));
        }
        if (reported > 0) {
            ring.write(KfreeSkbRecords.lost(reported));
        }
    }

    /** What a test puts into the fake before the session starts. */
    interface Kernel {
        void prepare() throws Exception;
    }

    private static Snapshot run(FakePerfSyscalls perf, TracepointOptions options, Kernel kernel) throws Exception {
        return run(perf, options, new TracepointSource[1], kernel);
    }

    /** Opens a session on the fake, lets {@code kernel} fill rings and counts, starts, stops, closes. */
    private static Snapshot run(FakePerfSyscalls perf, TracepointOptions options, TracepointSource[] opened,
            Kernel kernel) throws Exception {
        try (TracepointSource source = FakeTracepoint.open(options, CPUS, perf)) {
            opened[0] = source;
            kernel.prepare();
            DropAggregator agg = new DropAggregator(source.cpus(), 64, 16);
            source.start(agg);
            source.stop();
            return agg.snapshot();
        }
    }
}
