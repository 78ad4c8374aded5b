// SPDX-License-Identifier: Apache-2.0
package org.dropscope.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.junit.jupiter.api.Test;

/**
 * Several writer threads against a reader that snapshots as fast as it can: no count may be lost
 * or counted twice across flips, and no batch may be split between two snapshots.
 */
class DropAggregatorStressTest {
    private static final int WRITERS = 4;
    private static final int KEYS = 40;

    /** Key k has location 0x1000+k, reason k%5, stack k%3 (ids interned up front). */
    private static long location(int k) {
        return 0x1000 + k;
    }

    @Test
    void noCountLostOrDoubledAcrossFlips() throws Exception {
        DropAggregator agg = new DropAggregator(4, 256, 16);
        long[][] written = new long[WRITERS][KEYS];
        long[][] lostWritten = new long[WRITERS][4];
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] seen = new long[KEYS];
        long[] seenLost = new long[1];
        int[] snapshots = new int[1];

        Thread reader = new Thread(() -> {
            while (!done.get()) {
                accumulate(agg.snapshot(), seen, seenLost);
                snapshots[0]++;
            }
        });
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < WRITERS; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                DropSink w = agg.newWriter();
                SplittableRandom rnd = new SplittableRandom(1234 + id);
                for (int batch = 0; batch < 20_000; batch++) {
                    w.begin();
                    int n = 1 + rnd.nextInt(40);
                    for (int i = 0; i < n; i++) {
                        int k = rnd.nextInt(KEYS);
                        long c = 1 + rnd.nextInt(3);
                        int cpu = rnd.nextInt(4);
                        w.drop(cpu, DropOrigin.SOFTWARE, location(k), k % 5, k % 3, c);
                        written[id][k] += c;
                        if (rnd.nextInt(100) == 0) {
                            w.lost(cpu, 2);
                            lostWritten[id][cpu] += 2;
                        }
                    }
                    w.end();
                }
            }));
        }
        reader.setUncaughtExceptionHandler((th, e) -> failure.set(e));
        reader.start();
        threads.forEach(Thread::start);
        for (Thread th : threads) {
            th.join();
        }
        done.set(true);
        reader.join();
        accumulate(agg.snapshot(), seen, seenLost);
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }

        long expectedLost = 0;
        for (int k = 0; k < KEYS; k++) {
            long expected = 0;
            for (int t = 0; t < WRITERS; t++) {
                expected += written[t][k];
            }
            assertEquals(expected, seen[k], "key " + k + " after " + snapshots[0] + " snapshots");
        }
        for (long[] perCpu : lostWritten) {
            for (long l : perCpu) {
                expectedLost += l;
            }
        }
        assertEquals(expectedLost, seenLost[0]);
        Snapshot last = agg.snapshot();
        long expectedAll = 0;
        for (long[] w : written) {
            for (long c : w) {
                expectedAll += c;
            }
        }
        assertEquals(expectedAll, last.dropsTotal(), "running total equals the sum of all deltas");
        assertTrue(snapshots[0] > 1, "the reader must have flipped while writers ran");
        assertEquals(0, last.dropsDelta());
    }

    @Test
    void aBatchIsNeverSplitBetweenSnapshots() throws Exception {
        // Every batch adds 1 to key A and 1 to key B; any snapshot that split a batch would show
        // different deltas for A and B.
        DropAggregator agg = new DropAggregator(1, 16, 4);
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < WRITERS; t++) {
            writers.add(new Thread(() -> {
                DropSink w = agg.newWriter();
                for (int i = 0; i < 200_000; i++) {
                    w.begin();
                    w.drop(0, DropOrigin.SOFTWARE, 0xA, 1, DropSink.NO_STACK, 1);
                    w.drop(0, DropOrigin.SOFTWARE, 0xB, 1, DropSink.NO_STACK, 1);
                    w.end();
                }
            }));
        }
        writers.forEach(Thread::start);
        long totalA = 0;
        int snapshots = 0;
        while (!done.get()) {
            done.set(writers.stream().noneMatch(Thread::isAlive));
            Snapshot s = agg.snapshot();
            snapshots++;
            long a = 0;
            long b = 0;
            for (Snapshot.Row r : s.rows()) {
                if (r.location() == 0xA) {
                    a = r.delta();
                } else {
                    b = r.delta();
                }
            }
            assertEquals(a, b, "snapshot " + snapshots + " split a batch");
            totalA += a;
        }
        assertEquals(WRITERS * 200_000L, totalA);
        assertTrue(snapshots > 1, "the reader must have flipped while writers ran");
    }

    @Test
    void gatedRoundsGiveExactIntervalDeltas() throws Exception {
        // Writers count a known amount per round, then wait; the reader snapshots between rounds
        // and must see exactly that round's counts.
        int rounds = 200;
        DropAggregator agg = new DropAggregator(2, 64, 4);
        CyclicBarrier written = new CyclicBarrier(WRITERS + 1);
        CyclicBarrier read = new CyclicBarrier(WRITERS + 1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < WRITERS; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                DropSink w = agg.newWriter();
                try {
                    for (int r = 0; r < rounds; r++) {
                        for (int k = 0; k < KEYS; k++) {
                            w.begin();
                            w.drop(id % 2, DropOrigin.SOFTWARE, location(k), 0, DropSink.NO_STACK, r + k + 1);
                            w.end();
                        }
                        written.await();
                        read.await();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (int r = 0; r < rounds; r++) {
            written.await();
            Snapshot s = agg.snapshot();
            for (Snapshot.Row row : s.rows()) {
                int k = (int) (row.location() - 0x1000);
                assertEquals((long) WRITERS * (r + k + 1), row.delta(), "round " + r + " key " + k);
            }
            assertEquals(KEYS, s.rows().size());
            read.await();
        }
        for (Thread th : threads) {
            th.join();
        }
    }

    private static void accumulate(Snapshot s, long[] seen, long[] seenLost) {
        for (Snapshot.Row r : s.rows()) {
            int k = (int) (r.location() - 0x1000);
            if (r.reason() != k % 5 || r.stackId() != k % 3) {
                throw new AssertionError("key fields mixed up: " + r);
            }
            seen[k] += r.delta();
        }
        seenLost[0] += s.lostDelta();
    }
}
