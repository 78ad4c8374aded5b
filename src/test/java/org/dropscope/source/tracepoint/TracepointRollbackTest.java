// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.nativeio.Errno;
import org.dropscope.perf.FakePerfSyscalls;
import org.dropscope.perf.FakePerfSyscalls.Call;
import org.dropscope.perf.FakePerfSyscalls.FakeEvent;
import org.dropscope.perf.PerfConstants;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceException.Kind;
import org.dropscope.source.SourceFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way opening, filtering or starting a tracepoint session can fail half way, on each of
 * three CPUs: the session reports the kernel's errno in one line of the right kind, and every perf
 * fd, ring and eventfd it had acquired is released exactly once ({@link FakePerfSyscalls#leaks}).
 * A counting group the kernel refuses for another reason than a privilege gives way to sampling,
 * and what the group had opened is released first.
 */
class TracepointRollbackTest {
    private static final int CPUS = 3;
    /** A hot-key group per CPU: the leader, HOT_KEYS + 1 samplers, HOT_KEYS counters. */
    private static final int GROUP = 2 * TracepointOptions.HOT_KEYS + 2;

    /** call, its nth attempt on that CPU, errno, the session's error, events opened by then. */
    static Stream<Arguments> samplingOpenFailures() {
        List<Arguments> out = new ArrayList<>();
        for (int k = 0; k < CPUS; k++) {
            out.add(Arguments.of(Call.OPEN, k, 1, Errno.EACCES, Kind.NO_PERMISSION, k));
            out.add(Arguments.of(Call.OPEN, k, 1, Errno.EMFILE, Kind.SYSTEM, k));
            out.add(Arguments.of(Call.OPEN, k, 1, Errno.ENOENT, Kind.NO_KERNEL_FEATURE, k));
            out.add(Arguments.of(Call.MMAP, k, 1, Errno.EPERM, Kind.NO_PERMISSION, k + 1));
            out.add(Arguments.of(Call.MMAP, k, 1, Errno.ENOMEM, Kind.SYSTEM, k + 1));
        }
        // CPU 0's first EINVAL is the retry without PERF_FORMAT_LOST (see the test below).
        out.add(Arguments.of(Call.OPEN, 1, 1, Errno.EINVAL, Kind.SYSTEM, 1));
        out.add(Arguments.of(Call.OPEN, 2, 1, Errno.EINVAL, Kind.SYSTEM, 2));
        out.add(Arguments.of(Call.EVENTFD, -1, 1, Errno.EMFILE, Kind.SYSTEM, CPUS));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} #{2} on CPU {1}: {3} gives {4}")
    @MethodSource
    void samplingOpenFailures(Call call, int cpu, int nth, int errno, Kind kind, int opened) {
        FakePerfSyscalls perf = new FakePerfSyscalls().fail(call, cpu, nth, errno);
        SourceException e = assertThrows(SourceException.class,
                () -> FakeTracepoint.open(FakeTracepoint.sampling(), CPUS, perf));
        assertEquals(kind, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("(" + Errno.name(errno) + ")"), e.getMessage());
        assertEquals(opened, perf.events().size(), "events opened before the failure");
        assertEquals(List.of(), perf.leaks());
    }

    @Test
    void anEinvalAfterTheRetryWithoutLostCountsIsFatal() {
        FakePerfSyscalls perf = new FakePerfSyscalls().fail(Call.OPEN, 0, 1, Errno.EINVAL)
                .fail(Call.OPEN, 0, 2, Errno.EINVAL);
        SourceException e = assertThrows(SourceException.class,
                () -> FakeTracepoint.open(FakeTracepoint.sampling(), CPUS, perf));
        assertEquals(Kind.SYSTEM, e.kind(), e.getMessage());
        assertEquals(List.of(), perf.events());
        assertEquals(List.of(), perf.leaks());
    }

    /** A privilege the counting group lacks, the sampling events would lack too: no retry. */
    static Stream<Arguments> countingPermissionFailures() {
        List<Arguments> out = new ArrayList<>();
        for (int k = 0; k < CPUS; k++) {
            out.add(Arguments.of(Call.OPEN, k, 1, Errno.EACCES, k * GROUP));           // the leader
            out.add(Arguments.of(Call.OPEN, k, GROUP, Errno.EPERM, k * GROUP + GROUP - 1)); // the last counter
            out.add(Arguments.of(Call.MMAP, k, 1, Errno.EPERM, (k + 1) * GROUP));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} #{2} on CPU {1}: {3}")
    @MethodSource
    void countingPermissionFailures(Call call, int cpu, int nth, int errno, int opened) {
        FakePerfSyscalls perf = new FakePerfSyscalls().fail(call, cpu, nth, errno);
        SourceException e = assertThrows(SourceException.class,
                () -> FakeTracepoint.open(FakeTracepoint.counting(1000), CPUS, perf));
        assertEquals(Kind.NO_PERMISSION, e.kind(), e.getMessage());
        assertEquals(opened, perf.events().size(), "events opened before the failure");
        assertEquals(List.of(), perf.leaks());
    }

    /** Any other refusal of the counting group: its CPUs so far are released, then every CPU samples. */
    static Stream<Arguments> countingFallbacks() {
        List<Arguments> out = new ArrayList<>();
        for (int k = 0; k < CPUS; k++) {
            out.add(Arguments.of(Call.OPEN, k, 1, Errno.EINVAL));          // the leader
            out.add(Arguments.of(Call.OPEN, k, 2, Errno.EINVAL));          // S0
            out.add(Arguments.of(Call.OPEN, k, GROUP, Errno.EMFILE));      // the last counter
            out.add(Arguments.of(Call.MMAP, k, 1, Errno.ENOMEM));
            out.add(Arguments.of(Call.SET_OUTPUT, k, 1, Errno.EINVAL));
            out.add(Arguments.of(Call.SET_OUTPUT, k, TracepointOptions.HOT_KEYS + 1, Errno.EINVAL));
            out.add(Arguments.of(Call.ID, k, 3, Errno.EINVAL));
        }
        out.add(Arguments.of(Call.EVENTFD, -1, 1, Errno.EMFILE));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} #{2} on CPU {1}: {3}")
    @MethodSource
    void countingFallbacks(Call call, int cpu, int nth, int errno) throws Exception {
        FakePerfSyscalls perf = new FakePerfSyscalls().fail(call, cpu, nth, errno);
        try (TracepointSource source = FakeTracepoint.open(FakeTracepoint.counting(1000), CPUS, perf)) {
            assertTrue(source.description().contains("sampling every drop (no in-kernel counting: "),
                    source.description());
            assertTrue(source.description().contains("(" + Errno.name(errno) + ")"), source.description());
            // Open now: one sampling event and its ring per CPU, and the eventfd; the group's
            // events, all opened before them, are closed.
            assertEquals(2 * CPUS + 1, perf.open());
            List<FakeEvent> open = perf.events().stream().filter(e -> !e.closed()).toList();
            assertEquals(CPUS, open.size());
            for (FakeEvent e : open) {
                assertEquals(PerfConstants.PERF_FORMAT_LOST, e.readFormat(), "a sampling event");
            }
        }
        assertEquals(List.of(), perf.leaks());
    }

    @Test
    void aKernelFilterRefusedOnOneCpuLeavesTheSessionToClose() throws Exception {
        for (int k = 0; k < CPUS; k++) {
            FakePerfSyscalls sampling = new FakePerfSyscalls().fail(Call.SET_FILTER, k, 1, Errno.EINVAL);
            assertFilterRefused(FakeTracepoint.sampling(), sampling);
            // A group's leader takes the user's filter first, then S0.
            for (int nth = 1; nth <= 2; nth++) {
                FakePerfSyscalls counting = new FakePerfSyscalls().fail(Call.SET_FILTER, k, nth, Errno.EINVAL);
                assertFilterRefused(FakeTracepoint.counting(1000), counting);
            }
        }
    }

    private static void assertFilterRefused(TracepointOptions options, FakePerfSyscalls perf) throws Exception {
        SourceFilter filter = SourceFilter.parse("reason == NO_SOCKET", null);
        try (TracepointSource source = FakeTracepoint.open(options, CPUS, perf)) {
            SourceException e = assertThrows(SourceException.class, () -> source.filter(filter));
            assertEquals(Kind.NO_KERNEL_FEATURE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("\"reason == 3\""), e.getMessage());
        }
        assertEquals(List.of(), perf.leaks());
    }

    @Test
    void anEnableRefusedOnOneCpuClosesTheSession() throws Exception {
        for (int k = 0; k < CPUS; k++) {
            assertEnableRefused(FakeTracepoint.sampling(), new FakePerfSyscalls().fail(Call.ENABLE, k, 1, Errno.EIO));
            // A group enables S0, then its leader.
            assertEnableRefused(FakeTracepoint.counting(1000),
                    new FakePerfSyscalls().fail(Call.ENABLE, k, 2, Errno.EIO));
        }
    }

    private static void assertEnableRefused(TracepointOptions options, FakePerfSyscalls perf) throws Exception {
        TracepointSource source = FakeTracepoint.open(options, CPUS, perf);
        SourceException e = assertThrows(SourceException.class,
                () -> source.start(new DropAggregator(source.cpus(), 64, 16)));
        assertEquals(Kind.SYSTEM, e.kind());
        assertTrue(e.getMessage().startsWith("cannot enable the skb:kfree_skb perf event: "), e.getMessage());
        assertEquals(0, perf.open(), "closed by start");
        source.close();
        assertEquals(List.of(), perf.leaks());
    }

    @Test
    void aFailedPollEndsTheReaderAndStopSaysSo() throws Exception {
        FakePerfSyscalls perf = new FakePerfSyscalls().fail(Call.POLL, -1, 1, Errno.ENOMEM);
        try (TracepointSource source = FakeTracepoint.open(FakeTracepoint.sampling(), CPUS, perf)) {
            source.start(new DropAggregator(source.cpus(), 64, 16));
            SourceException e = assertThrows(SourceException.class, source::stop);
            assertEquals(Kind.SYSTEM, e.kind());
            assertTrue(e.getMessage().startsWith("the ring reader failed: "), e.getMessage());
        }
        assertEquals(List.of(), perf.leaks());
    }

    @Test
    void aWholeSessionReleasesEverythingOnceAndDisablesBeforeClosing() throws Exception {
        for (TracepointOptions options : List.of(FakeTracepoint.sampling(), FakeTracepoint.counting(1000))) {
            FakePerfSyscalls perf = new FakePerfSyscalls();
            try (TracepointSource source = FakeTracepoint.open(options, CPUS, perf)) {
                assertEquals(null, source.filter(SourceFilter.NONE));
                source.start(new DropAggregator(source.cpus(), 64, 16));
                for (int k = 0; k < CPUS; k++) {
                    assertTrue(perf.events(k).get(0).enabled(), "CPU " + k + " enabled");
                }
                source.stop();
                for (int k = 0; k < CPUS; k++) {
                    assertFalse(perf.events(k).get(0).enabled(), "CPU " + k + " disabled by stop");
                }
                assertEquals(options.countsHotKeys() ? CPUS * (GROUP + 1) + 1 : 2 * CPUS + 1, perf.open());
            }
            assertEquals(List.of(), perf.leaks());
            assertClosedOnceWhenClosedTwice(options);
        }
    }

    /** close() twice, and close() of a session never started, release once. */
    private static void assertClosedOnceWhenClosedTwice(TracepointOptions options) throws Exception {
        FakePerfSyscalls perf = new FakePerfSyscalls();
        TracepointSource source = FakeTracepoint.open(options, CPUS, perf);
        source.close();
        source.close();
        assertEquals(List.of(), perf.leaks());
    }
}
