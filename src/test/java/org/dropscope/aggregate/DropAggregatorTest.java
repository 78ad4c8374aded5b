// SPDX-License-Identifier: Apache-2.0
package org.dropscope.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.junit.jupiter.api.Test;

class DropAggregatorTest {
    private static final long PC_A = 0xffffffff81a0b0c0L;
    private static final long PC_B = 0xffffffff81a0b1d4L;

    @Test
    void countsPerKeyWithDeltasAndTotals() {
        DropAggregator agg = new DropAggregator(2, 64, 16);
        DropSink w = agg.newWriter();
        w.begin();
        w.drop(0, DropOrigin.SOFTWARE, PC_A, 3, DropSink.NO_STACK, 1);
        w.drop(1, DropOrigin.SOFTWARE, PC_A, 3, DropSink.NO_STACK, 1);
        w.drop(1, DropOrigin.SOFTWARE, PC_A, 6, DropSink.NO_STACK, 5);
        w.drop(0, DropOrigin.SOFTWARE, PC_B, 3, DropSink.NO_STACK, 1);
        w.lost(1, 7);
        w.end();

        Snapshot s1 = agg.snapshot();
        Map<String, Snapshot.Row> rows = byKey(s1);
        assertEquals(3, rows.size());
        assertEquals(2, rows.get(key(PC_A, 3)).delta());
        assertEquals(5, rows.get(key(PC_A, 6)).delta());
        assertEquals(1, rows.get(key(PC_B, 3)).delta());
        assertEquals(2, s1.cpuEventsDelta(0));
        assertEquals(6, s1.cpuEventsDelta(1));
        assertEquals(7, s1.cpuLostDelta(1));
        assertEquals(0, s1.cpuLostDelta(0));
        assertEquals(8, s1.dropsDelta());

        w.begin();
        w.drop(0, DropOrigin.SOFTWARE, PC_A, 3, DropSink.NO_STACK, 4);
        w.end();
        Snapshot s2 = agg.snapshot();
        Map<String, Snapshot.Row> rows2 = byKey(s2);
        assertEquals(4, rows2.get(key(PC_A, 3)).delta());
        assertEquals(6, rows2.get(key(PC_A, 3)).total());
        assertEquals(0, rows2.get(key(PC_A, 6)).delta());
        assertEquals(5, rows2.get(key(PC_A, 6)).total());
        assertEquals(12, s2.dropsTotal());
        assertEquals(7, s2.lostTotal());
        assertEquals(0, s2.lostDelta());

        Snapshot s3 = agg.snapshot();
        assertEquals(0, s3.dropsDelta());
        assertEquals(12, s3.dropsTotal());
    }

    @Test
    void originAndStackArePartOfTheKey() {
        DropAggregator agg = new DropAggregator(1, 64, 16);
        int stack = agg.stacks().intern(new long[] {PC_A, PC_B}, 2);
        DropSink w = agg.newWriter();
        w.begin();
        w.drop(0, DropOrigin.SOFTWARE, 7, 3, DropSink.NO_STACK, 1);
        w.drop(0, DropOrigin.HARDWARE, 7, 3, DropSink.NO_STACK, 2);
        w.drop(0, DropOrigin.SOFTWARE, 7, 3, stack, 4);
        w.end();
        Snapshot s = agg.snapshot();
        assertEquals(3, s.rows().size());
        for (Snapshot.Row r : s.rows()) {
            long expected = r.origin() == DropOrigin.HARDWARE ? 2 : r.stackId() == stack ? 4 : 1;
            assertEquals(expected, r.delta(), r.toString());
        }
    }

    @Test
    void fullKeyTableCountsOverflowInsteadOfLosing() {
        // capacity 8 holds 6 keys; 10 distinct keys → 4 go to overflow
        DropAggregator agg = new DropAggregator(1, 8, 8);
        DropSink w = agg.newWriter();
        w.begin();
        for (int k = 0; k < 10; k++) {
            w.drop(0, DropOrigin.SOFTWARE, 0x1000 + k, 2, DropSink.NO_STACK, 10 + k);
        }
        w.end();
        Snapshot s = agg.snapshot();
        assertEquals(6, s.rows().size());
        long expectedTotal = 0;
        for (int k = 0; k < 10; k++) {
            expectedTotal += 10 + k;
        }
        assertEquals(expectedTotal, s.dropsDelta());
        assertTrue(s.overflowDelta() > 0);
    }

    @Test
    void intervalsWithoutDropsKeepTheRowsWithoutDeltasAndLaterDropsCount() {
        DropAggregator agg = new DropAggregator(2, 64, 16);
        DropSink w = agg.newWriter();
        DropSink idle = agg.newWriter();
        w.begin();
        w.drop(0, DropOrigin.SOFTWARE, PC_A, 3, DropSink.NO_STACK, 2);
        w.drop(1, DropOrigin.SOFTWARE, PC_B, 3, DropSink.NO_STACK, 5);
        w.end();
        assertEquals(7, agg.snapshot().dropsDelta());

        // Empty batches and a batch of lost events only: no drop counted.
        w.begin();
        w.end();
        idle.begin();
        idle.lost(1, 4);
        idle.end();
        Snapshot quiet = agg.snapshot();
        Map<String, Snapshot.Row> rows = byKey(quiet);
        assertEquals(2, rows.size());
        assertEquals(0, rows.get(key(PC_A, 3)).delta());
        assertEquals(2, rows.get(key(PC_A, 3)).total());
        assertEquals(0, rows.get(key(PC_B, 3)).delta());
        assertEquals(5, rows.get(key(PC_B, 3)).total());
        assertEquals(4, quiet.lostDelta());
        assertEquals(0, quiet.cpuEventsDelta(0) + quiet.cpuEventsDelta(1));

        Snapshot quieter = agg.snapshot();
        assertSame(quiet.rows(), quieter.rows(), "a second quiet interval reuses the rows");
        assertEquals(0, quieter.lostDelta());
        assertEquals(4, quieter.lostTotal());

        idle.begin();
        idle.drop(1, DropOrigin.SOFTWARE, PC_B, 3, DropSink.NO_STACK, 1);
        idle.drop(0, DropOrigin.SOFTWARE, PC_A, 9, DropSink.NO_STACK, 3);
        idle.end();
        Snapshot busy = agg.snapshot();
        Map<String, Snapshot.Row> after = byKey(busy);
        assertEquals(3, after.size());
        assertEquals(1, after.get(key(PC_B, 3)).delta());
        assertEquals(6, after.get(key(PC_B, 3)).total());
        assertEquals(3, after.get(key(PC_A, 9)).delta());
        assertEquals(0, after.get(key(PC_A, 3)).delta());
        assertEquals(11, busy.dropsTotal());
    }

    @Test
    void keysBeyondOneCounterBlockAreCountedExactlyInBothPhases() {
        // 3,000 keys span three blocks of 1,024 counters; five intervals alternate the phases.
        int keys = 3000;
        DropAggregator agg = new DropAggregator(1, 1 << 12, 16);
        DropSink w = agg.newWriter();
        long[] expected = new long[keys];
        for (int round = 1; round <= 5; round++) {
            w.begin();
            for (int k = round % 2; k < keys; k += 1 + round % 3) {
                w.drop(0, DropOrigin.SOFTWARE, PC_A + k, 2, DropSink.NO_STACK, k + round);
                expected[k] += k + round;
            }
            w.end();
            Snapshot s = agg.snapshot();
            assertEquals(0, s.overflowDelta());
            long[] totals = new long[keys];
            for (Snapshot.Row r : s.rows()) {
                totals[(int) (r.location() - PC_A)] = r.total();
            }
            for (int k = 0; k < keys; k++) {
                assertEquals(expected[k], totals[k], "round " + round + ", key " + k);
            }
        }
    }

    @Test
    void dropOutsideBatchIsAnError() {
        DropSink w = new DropAggregator(1, 8, 8).newWriter();
        assertThrows(IllegalStateException.class, () -> w.drop(0, DropOrigin.SOFTWARE, 1, 1, -1, 1));
        w.begin();
        assertThrows(IllegalStateException.class, w::begin);
    }

    @Test
    void cpuBeyondSizingCountsUnderLastCpu() {
        DropAggregator agg = new DropAggregator(2, 8, 8);
        DropSink w = agg.newWriter();
        w.begin();
        w.drop(5, DropOrigin.SOFTWARE, PC_A, 2, DropSink.NO_STACK, 3);
        w.lost(9, 2);
        w.end();
        Snapshot s = agg.snapshot();
        assertEquals(3, s.cpuEventsDelta(1));
        assertEquals(2, s.cpuLostDelta(1));
    }

    static String key(long pc, int reason) {
        return Long.toHexString(pc) + "/" + reason;
    }

    static Map<String, Snapshot.Row> byKey(Snapshot s) {
        Map<String, Snapshot.Row> m = new HashMap<>();
        for (Snapshot.Row r : s.rows()) {
            m.put(key(r.location(), r.reason()), r);
        }
        return m;
    }
}
