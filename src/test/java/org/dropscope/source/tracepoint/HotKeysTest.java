// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.aggregate.Snapshot;
import org.dropscope.event.DropSink;
import org.junit.jupiter.api.Test;

/**
 * The hand-over rules of {@link HotKeys}, through {@link KfreeSkbDecoder} over crafted ring
 * images of a counting group's samples: IDENTIFIER, the group read (leader, S0..S2, C1..C2 for
 * capacity 2), RAW in the 6.11+ layout. The kernel's side, that a successor has counted a drop
 * before the older sampler's sample reads its count, is HotKeysIT's.
 */
class HotKeysTest {
    private static final int LOC = 16;
    private static final int REASON = 36;
    private static final int PROTOCOL = 32;
    private static final long UDP_RCV = 0xffffffff81c3a9a2L;
    private static final long UDP_QUEUE = 0xffffffff81c3b000L;
    private static final long TCP = 0xffffffff81b00000L;
    private static final int NO_SOCKET = 3;
    private static final int RCVBUFF = 6;
    private static final long[] IDS = {101, 102, 103};
    private static final int CPU = 1;
    private static final long SECOND = 1_000_000_000L;
    private static final long MILLI = 1_000_000L;

    /** A counting group's sample from sampler {@code g}, with the group's values as given. */
    private static byte[] sample(int g, long[] group, long location, int reason) {
        return KfreeSkbRecords.groupSample(IDS[g], group, location, reason);
    }

    /** Group values: leader, S0, S1, S2, C1, C2. */
    private static long[] group(long s0, long s1, long s2, long c1, long c2) {
        return new long[] {0, s0, s1, s2, c1, c2};
    }

    private static HotKeys keys() {
        HotKeys hot = new HotKeys(2, 1000, 4);
        hot.samplers(CPU, IDS);
        return hot;
    }

    private static Snapshot decode(HotKeys hot, DropAggregator agg, byte[]... records) {
        KfreeSkbDecoder dec = new KfreeSkbDecoder(
                KfreeSkbDecoder.Config.of(TracepointSetup.HOT_SAMPLE_FORMAT, LOC, REASON, PROTOCOL).countingHotKeys(hot));
        KfreeSkbRecords.drain(dec, agg, CPU, records);
        assertEquals(0, dec.malformed(), "malformed samples");
        return agg.snapshot();
    }

    private static long count(Snapshot s, long location, int reason) {
        return s.rows().stream().filter(r -> r.location() == location && r.reason() == reason)
                .mapToLong(Snapshot.Row::total).sum();
    }

    /** Fills the tally with {@code n} samples of one key from S0, then closes the window. */
    private static int promoteAfter(HotKeys hot, DropAggregator agg, int n, long location, int reason) {
        hot.promote(0);
        decodeFromS0(hot, agg, 0, n, location, reason);
        return hot.promote(SECOND);
    }

    /**
     * Decodes {@code n} samples of one key from S0, whose own count in them runs on from
     * {@code before}; no successor has counted anything.
     */
    private static void decodeFromS0(HotKeys hot, DropAggregator agg, long before, int n, long location, int reason) {
        for (int done = 0; done < n; done += 100) {
            byte[][] records = new byte[Math.min(100, n - done)][];
            for (int i = 0; i < records.length; i++) {
                records[i] = sample(0, group(before + done + i + 1, 0, 0, 0, 0), location, reason);
            }
            decode(hot, agg, records);
        }
    }

    @Test
    void aKeyAboveTheThresholdIsPromotedOnceTheWindowEnds() {
        HotKeys hot = keys();
        DropAggregator agg = new DropAggregator(4, 64, 16);
        assertEquals(1, promoteAfter(hot, agg, 1200, UDP_QUEUE, RCVBUFF));
        assertEquals("location == 0xffffffff81c3b000 && reason == 6", hot.counterFilter(1, null));
        assertEquals("(protocol == 2048) && location == 0xffffffff81c3b000 && reason == 6",
                hot.counterFilter(1, "protocol == 2048"));
        assertEquals("!((location == 0xffffffff81c3b000 && reason == 6))", hot.samplerFilter(null));
        hot.handedOver();
        assertEquals(1, hot.generation());
    }

    @Test
    void aPromotedKeysBacklogDoesNotPromoteItAgain() {
        HotKeys hot = keys();
        DropAggregator agg = new DropAggregator(4, 64, 16);
        assertEquals(1, promoteAfter(hot, agg, 1000, UDP_QUEUE, RCVBUFF));
        hot.handedOver();
        // What S0 wrote before the hand-over and the reader drains after it: no successor took it.
        decodeFromS0(hot, agg, 1000, 2000, UDP_QUEUE, RCVBUFF);
        assertEquals(0, hot.promote(2 * SECOND));
        assertEquals(1, hot.promoted());
        assertEquals(3000, count(agg.snapshot(), UDP_QUEUE, RCVBUFF));
    }

    @Test
    void aRefusedHandOverTakesTheKeyBackAndStopsPromotion() {
        HotKeys hot = keys();
        DropAggregator agg = new DropAggregator(4, 64, 16);
        assertEquals(1, promoteAfter(hot, agg, 1000, UDP_QUEUE, RCVBUFF));
        hot.refused();
        assertEquals(0, hot.promoted());
        assertEquals(0, hot.generation());
        // S0 goes on sampling the key, and its samples count (C1 was never enabled).
        Snapshot s = decode(hot, agg, sample(0, group(1001, 0, 0, 0, 0), UDP_QUEUE, RCVBUFF));
        assertEquals(1001, count(s, UDP_QUEUE, RCVBUFF));
        assertEquals(0, promoteAfter(hot, agg, 5000, UDP_RCV, NO_SOCKET), "no promotion after a refusal");
        assertEquals(1, hot.refusals());
    }

    @Test
    void aKeyBelowTheThresholdIsNot() {
        HotKeys hot = keys();
        DropAggregator agg = new DropAggregator(4, 64, 16);
        assertEquals(0, promoteAfter(hot, agg, 999, UDP_QUEUE, RCVBUFF));
        assertEquals(0, hot.promoted());
    }

    /**
     * Promotion is checked at every pass: a key whose samples reach the threshold's rate since
     * the pass before its first one, and the floor, is promoted at once.
     */
    @Test
    void aFastKeyIsPromotedAtThePassItReachesTheFloor() {
        HotKeys hot = keys();
        DropAggregator agg = new DropAggregator(4, 64, 16);
        hot.promote(0);
        decodeFromS0(hot, agg, 0, HotKeys.MIN_SAMPLES - 1, UDP_QUEUE, RCVBUFF);
        assertEquals(0, hot.promote(MILLI), "a burst below the floor");
        decodeFromS0(hot, agg, HotKeys.MIN_SAMPLES - 1, 1, UDP_QUEUE, RCVBUFF);
        assertEquals(1, hot.promote(2 * MILLI));
        assertEquals("!((location == 0xffffffff81c3b000 && reason == 6))", hot.samplerFilter(null));
    }

    /** 90 samples every 100 ms is 900/s: never promoted, however many; 110 is, at its first pass. */
    @Test
    void theRateSinceTheKeysFirstPassDecides() {
        HotKeys hot = keys();
        DropAggregator agg = new DropAggregator(4, 64, 16);
        hot.promote(0);
        for (int pass = 1; pass <= 25; pass++) {
            decodeFromS0(hot, agg, 90L * (pass - 1), 90, UDP_RCV, NO_SOCKET);
            assertEquals(0, hot.promote(pass * 100 * MILLI), "pass " + pass);
        }
        decodeFromS0(hot, agg, 90L * 25, 110, UDP_QUEUE, RCVBUFF);
        assertEquals(1, hot.promote(2600 * MILLI));
        assertEquals("location == 0xffffffff81c3b000 && reason == 6", hot.counterFilter(1, null));
    }

    /**
     * Two keys due in one pass are one hand-over, busiest first: S0's samples of each are
     * duplicates when its own counter took the drop, the rest when S1 did.
     */
    @Test
    void keysDueInOnePassAreHandedOverTogether() {
        HotKeys hot = keys();
        DropAggregator agg = new DropAggregator(4, 64, 16);
        hot.promote(0);
        decodeFromS0(hot, agg, 0, 100, UDP_RCV, NO_SOCKET);
        decodeFromS0(hot, agg, 100, 200, UDP_QUEUE, RCVBUFF);
        assertEquals(2, hot.promote(100 * MILLI));
        assertEquals("location == 0xffffffff81c3b000 && reason == 6", hot.counterFilter(1, null));
        assertEquals("location == 0xffffffff81c3a9a2 && reason == 3", hot.counterFilter(2, null));
        assertEquals("!((location == 0xffffffff81c3b000 && reason == 6) || (location == 0xffffffff81c3a9a2"
                + " && reason == 3))", hot.samplerFilter(null));
        Snapshot s = decode(hot, agg,
                sample(0, group(301, 0, 0, 1, 0), UDP_QUEUE, RCVBUFF),     // C1 took it: skipped
                sample(0, group(302, 0, 0, 1, 0), UDP_RCV, NO_SOCKET),     // C2 not yet: counts
                sample(0, group(303, 0, 0, 1, 1), UDP_RCV, NO_SOCKET),     // C2 took it: skipped
                sample(0, group(304, 0, 0, 1, 1), TCP, 2),                 // S1 not yet: counts
                sample(0, group(305, 1, 0, 1, 1), TCP, 2));                // S1 took it: skipped
        hot.handedOver();
        assertEquals(3, hot.duplicates());
        assertEquals(101, count(s, UDP_RCV, NO_SOCKET));
        assertEquals(1, count(s, TCP, 2));
        assertEquals(2, hot.promoted());
        assertEquals(1, hot.generation());
    }

    @Test
    void samplesTheSuccessorsAlsoTookAreSkippedAndTheRestCountOnce() {
        HotKeys hot = keys();
        DropAggregator agg = new DropAggregator(4, 64, 16);
        assertEquals(1, promoteAfter(hot, agg, 1000, UDP_QUEUE, RCVBUFF));
        // The hand-over window on CPU 1: C1 and S1 are enabled, S0 not yet disabled. S0's samples
        // of the hot key count only while C1's value in them is 0; its other samples only while
        // S1's is 0. S1's samples always count.
        Snapshot s = decode(hot, agg,
                sample(0, group(1001, 0, 0, 0, 0), UDP_QUEUE, RCVBUFF),     // before C1: counts
                sample(0, group(1002, 0, 0, 1, 0), UDP_QUEUE, RCVBUFF),     // C1 took it: skipped
                sample(0, group(1003, 0, 0, 1, 0), UDP_RCV, NO_SOCKET),     // S1 not yet: counts
                sample(1, group(1003, 1, 0, 1, 0), UDP_RCV, NO_SOCKET),     // S1's own: counts
                sample(0, group(1004, 1, 0, 1, 0), UDP_RCV, NO_SOCKET),     // S1 took it too: skipped
                sample(0, group(1005, 1, 0, 2, 0), UDP_QUEUE, RCVBUFF));    // C1 took it: skipped
        hot.handedOver();
        assertEquals(3, hot.duplicates());
        assertEquals(1001, count(s, UDP_QUEUE, RCVBUFF));
        assertEquals(2, count(s, UDP_RCV, NO_SOCKET));
    }

    @Test
    void theCountersAreEmittedAsDeltasAndTheLossesFollowFromTheLeadersCount() {
        HotKeys hot = keys();
        DropAggregator agg = new DropAggregator(4, 64, 16);
        assertEquals(1, promoteAfter(hot, agg, 1000, UDP_QUEUE, RCVBUFF));
        hot.handedOver();
        List<long[]> drops = new ArrayList<>();
        DropSink sink = new DropSink() {
            @Override
            public void begin() {
            }

            @Override
            public void drop(int cpu, org.dropscope.event.DropOrigin origin, long location, int reason, int stackId,
                    long n) {
                drops.add(new long[] {cpu, location, reason, n});
            }

            @Override
            public void lost(int cpu, long n) {
            }

            @Override
            public void end() {
            }
        };
        // Whether a counter moved is what keeps the reader at its poll interval while the rings
        // stay empty (ReaderPace): a counted key writes no samples.
        assertTrue(hot.emitCounts(CPU, read(group(1000, 7, 0, 500, 0)), sink));
        assertFalse(hot.emitCounts(CPU, read(group(1000, 7, 0, 500, 0)), sink));
        assertTrue(hot.emitCounts(CPU, read(group(1000, 9, 0, 1500, 0)), sink));
        assertEquals(2, drops.size(), "no drop for an unchanged counter");
        assertEquals(List.of(500L, 1000L), List.of(drops.get(0)[3], drops.get(1)[3]));
        assertEquals(UDP_QUEUE, drops.get(0)[1]);
        // The leader counted 2509 drops: 1500 C1's, 1000 samples of S0 decoded above, none of S1's
        // 9 reached the ring.
        long[] end = group(1000, 9, 0, 1500, 0);
        end[0] = 2509;
        assertEquals(1009, hot.uncounted(read(end)));
        assertEquals(9, hot.lost(CPU, hot.uncounted(read(end)), 1000));
    }

    @Test
    void aGroupReadOfTheWrongSizeIsAnError() {
        HotKeys hot = keys();
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0, 1).putLong(8, 0);
        assertThrows(IllegalStateException.class, () -> hot.emitCounts(CPU, b, null));
    }

    @Test
    void aSampleWithTheWrongNumberOfValuesOrAnUnknownIdIsMalformed() {
        HotKeys hot = keys();
        KfreeSkbDecoder dec = new KfreeSkbDecoder(
                KfreeSkbDecoder.Config.of(TracepointSetup.HOT_SAMPLE_FORMAT, LOC, REASON, PROTOCOL).countingHotKeys(hot));
        DropAggregator agg = new DropAggregator(4, 64, 16);
        byte[] unknown = sample(0, group(1, 0, 0, 0, 0), TCP, 2);
        unknown[8] = 99;    // the id's low byte
        KfreeSkbRecords.drain(dec, agg, CPU, sample(0, new long[] {0, 1, 0}, TCP, 2), unknown);
        assertEquals(2, dec.malformed());
        assertEquals(0, agg.snapshot().dropsTotal());
    }

    private static ByteBuffer read(long[] group) {
        return KfreeSkbRecords.groupRead(group);
    }
}
