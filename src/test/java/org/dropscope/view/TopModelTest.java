// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import static org.dropscope.view.TopFixtures.NO_SOCKET;
import static org.dropscope.view.TopFixtures.QUEUE;
import static org.dropscope.view.TopFixtures.RCVBUFF;
import static org.dropscope.view.TopFixtures.UDP_A;
import static org.dropscope.view.TopFixtures.UDP_B;
import static org.dropscope.view.TopFixtures.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.NameBook;
import org.dropscope.view.TopFixtures.Feed;
import org.junit.jupiter.api.Test;

class TopModelTest {
    private static List<TopModel.Row> rows(TopModel m, TopModel.Grouping g, TopModel.Sort s) {
        return m.rows(g, s, DropPredicate.ALL);
    }

    @Test
    void symbolAndReasonRowsMergeLocationsOfOneFunction() {
        Feed f = new Feed();
        f.drop(UDP_A, NO_SOCKET, DropSink.NO_STACK, 30).drop(UDP_B, NO_SOCKET, DropSink.NO_STACK, 10)
                .drop(QUEUE, RCVBUFF, DropSink.NO_STACK, 5).drop(UDP_A, RCVBUFF, DropSink.NO_STACK, 1);
        f.tick(100);
        List<TopModel.Row> rows = rows(f.model, TopModel.Grouping.SYMBOL_REASON, TopModel.Sort.RATE);
        assertEquals(List.of(new TopModel.Row("__udp4_lib_rcv", "NO_SOCKET", null, 40, 40, 100_000, 100_000),
                new TopModel.Row("udp_queue_rcv_one_skb", "SOCKET_RCVBUFF", null, 5, 5, 100_000, 100_000),
                new TopModel.Row("__udp4_lib_rcv", "SOCKET_RCVBUFF", null, 1, 1, 100_000, 100_000)), rows);
        assertEquals(46, f.model.dropsTotal());
        assertEquals(46.0, f.model.dropsPerSecond());
        assertEquals(46.0, f.model.eventsPerSecond());
    }

    @Test
    void eachGroupingSumsTheSameDrops() {
        Feed f = new Feed();
        int s1 = f.agg.stacks().intern(new long[] {1, 2}, 2);
        int s2 = f.agg.stacks().intern(new long[] {1, 3}, 2);
        f.drop(UDP_A, NO_SOCKET, s1, 30).drop(UDP_B, NO_SOCKET, s2, 10).drop(QUEUE, RCVBUFF, s1, 5)
                .drop(UNKNOWN, DropSink.NO_REASON, DropSink.NO_STACK, 2);
        f.tick(1);
        assertEquals(List.of(new TopModel.Row("__udp4_lib_rcv", null, null, 40, 40, 1000, 1000),
                new TopModel.Row("udp_queue_rcv_one_skb", null, null, 5, 5, 1000, 1000),
                new TopModel.Row("0xffffffffc0001234", null, null, 2, 2, 1000, 1000)),
                rows(f.model, TopModel.Grouping.SYMBOL, TopModel.Sort.RATE));
        assertEquals(List.of(new TopModel.Row(null, "NO_SOCKET", null, 40, 40, 1000, 1000),
                new TopModel.Row(null, "SOCKET_RCVBUFF", null, 5, 5, 1000, 1000),
                new TopModel.Row(null, "-", null, 2, 2, 1000, 1000)),
                rows(f.model, TopModel.Grouping.REASON, TopModel.Sort.RATE));
        List<TopModel.Row> stacks = rows(f.model, TopModel.Grouping.STACK, TopModel.Sort.RATE);
        assertEquals(List.of(
                new TopModel.Row(null, "NO_SOCKET", List.of("kfree_skb_reason", "frame" + s1), 30, 30, 1000, 1000),
                new TopModel.Row(null, "NO_SOCKET", List.of("kfree_skb_reason", "frame" + s2), 10, 10, 1000, 1000),
                new TopModel.Row(null, "SOCKET_RCVBUFF", List.of("kfree_skb_reason", "frame" + s1), 5, 5, 1000, 1000),
                new TopModel.Row(null, "-", List.of(), 2, 2, 1000, 1000)), stacks);
        for (TopModel.Grouping g : TopModel.Grouping.values()) {
            assertEquals(47, rows(f.model, g, TopModel.Sort.NAME).stream().mapToLong(TopModel.Row::total).sum(), g.name());
        }
    }

    @Test
    void ratesFollowTheLastIntervalTotalsAndSeenTimesAccumulate() {
        Feed f = new Feed();
        f.drop(UDP_A, NO_SOCKET, DropSink.NO_STACK, 10).drop(QUEUE, RCVBUFF, DropSink.NO_STACK, 50);
        f.tick(1);
        f.drop(UDP_A, NO_SOCKET, DropSink.NO_STACK, 20);
        f.tick(2);
        f.tick(3);
        List<TopModel.Row> byRate = rows(f.model, TopModel.Grouping.SYMBOL_REASON, TopModel.Sort.RATE);
        // Both idle now: rate 0 for both, then the larger total first.
        assertEquals(List.of(new TopModel.Row("udp_queue_rcv_one_skb", "SOCKET_RCVBUFF", null, 0, 50, 1000, 1000),
                new TopModel.Row("__udp4_lib_rcv", "NO_SOCKET", null, 0, 30, 1000, 2000)), byRate);
        f.drop(UDP_A, NO_SOCKET, DropSink.NO_STACK, 4);
        f.tick(4);
        byRate = rows(f.model, TopModel.Grouping.SYMBOL_REASON, TopModel.Sort.RATE);
        assertEquals("__udp4_lib_rcv", byRate.get(0).symbol());
        assertEquals(4.0, byRate.get(0).rate());
        assertEquals(34, byRate.get(0).total());
        assertEquals(4000, byRate.get(0).lastSeen());
        assertEquals("udp_queue_rcv_one_skb", rows(f.model, TopModel.Grouping.SYMBOL_REASON, TopModel.Sort.TOTAL)
                .get(0).symbol());
        assertEquals("__udp4_lib_rcv", rows(f.model, TopModel.Grouping.SYMBOL_REASON, TopModel.Sort.NAME)
                .get(0).symbol());
        assertEquals(4, f.model.intervals());
    }

    @Test
    void rateIsPerSecondOfTheIntervalsRealLength() {
        Feed f = new Feed();
        f.drop(UDP_A, NO_SOCKET, DropSink.NO_STACK, 30);
        f.model.update(f.agg.snapshot(), 1, 500_000_000L);
        assertEquals(60.0, rows(f.model, TopModel.Grouping.SYMBOL, TopModel.Sort.RATE).get(0).rate());
        assertEquals(60.0, f.model.dropsPerSecond());
    }

    @Test
    void resetCountsFromNowOnAndForgetsSeenTimesAndLosses() {
        Feed f = new Feed();
        f.drop(UDP_A, NO_SOCKET, DropSink.NO_STACK, 10).lost(3);
        f.tick(1);
        assertEquals(3, f.model.lostTotal());
        assertEquals(3, f.model.lostDelta());
        f.model.reset();
        assertEquals(List.of(), rows(f.model, TopModel.Grouping.SYMBOL_REASON, TopModel.Sort.RATE));
        assertEquals(0, f.model.dropsTotal());
        assertEquals(0, f.model.lostTotal());
        f.tick(2);
        assertEquals(List.of(), rows(f.model, TopModel.Grouping.SYMBOL_REASON, TopModel.Sort.RATE));
        f.drop(UDP_A, NO_SOCKET, DropSink.NO_STACK, 2).lost(1);
        f.tick(3);
        assertEquals(List.of(new TopModel.Row("__udp4_lib_rcv", "NO_SOCKET", null, 2, 2, 3000, 3000)),
                rows(f.model, TopModel.Grouping.SYMBOL_REASON, TopModel.Sort.RATE));
        assertEquals(1, f.model.lostTotal());
        assertEquals(2, f.model.dropsTotal());
    }

    @Test
    void aQuietIntervalAfterAnotherOnlyMovesTheTimeAndAResetCounts() {
        Feed f = new Feed();
        assertTrue(f.model.update(f.agg.snapshot(), 1000, 1_000_000_000L), "the first interval");
        assertFalse(f.model.update(f.agg.snapshot(), 2000, 1_000_000_000L));
        assertEquals(2000, f.model.updatedMillis());
        assertEquals(2, f.model.intervals());

        f.drop(UDP_A, NO_SOCKET, DropSink.NO_STACK, 10).lost(2);
        assertTrue(f.model.update(f.agg.snapshot(), 3000, 1_000_000_000L));
        assertTrue(f.model.update(f.agg.snapshot(), 4000, 500_000_000L), "rates fall to zero");
        assertEquals(0.0, f.model.dropsPerSecond());
        assertEquals(0, f.model.lostDelta());
        assertFalse(f.model.update(f.agg.snapshot(), 5000, 2_000_000_000L));
        assertEquals(List.of(new TopModel.Row("__udp4_lib_rcv", "NO_SOCKET", null, 0, 10, 3000, 3000)),
                rows(f.model, TopModel.Grouping.SYMBOL_REASON, TopModel.Sort.RATE));
        assertEquals(5000, f.model.updatedMillis());
        assertEquals(2, f.model.lostTotal());

        f.model.reset();
        assertFalse(f.model.update(f.agg.snapshot(), 6000, 1_000_000_000L));
        assertEquals(0, f.model.dropsTotal());
        f.drop(UDP_A, NO_SOCKET, DropSink.NO_STACK, 4);
        assertTrue(f.model.update(f.agg.snapshot(), 7000, 1_000_000_000L));
        assertEquals(4, f.model.dropsTotal());
    }

    @Test
    void aFrozenCopyKeepsItsViewWhileTheModelCounts() {
        Feed f = new Feed();
        f.drop(UDP_A, NO_SOCKET, DropSink.NO_STACK, 10);
        f.tick(1);
        TopModel frozen = f.model.copy();
        f.drop(UDP_A, NO_SOCKET, DropSink.NO_STACK, 5).drop(QUEUE, RCVBUFF, DropSink.NO_STACK, 1);
        f.tick(2);
        assertEquals(List.of(new TopModel.Row("__udp4_lib_rcv", "NO_SOCKET", null, 10, 10, 1000, 1000)),
                rows(frozen, TopModel.Grouping.SYMBOL_REASON, TopModel.Sort.RATE));
        assertEquals(1000, frozen.updatedMillis());
        assertEquals(16, f.model.dropsTotal());
        assertEquals(2000, f.model.updatedMillis());
    }

    @Test
    void filtersSeeSymbolAndReasonAndLeaveSharesOfEverything() {
        Feed f = new Feed();
        f.drop(UDP_A, NO_SOCKET, DropSink.NO_STACK, 30).drop(QUEUE, RCVBUFF, DropSink.NO_STACK, 10);
        f.tick(1);
        assertEquals(List.of("udp_queue_rcv_one_skb"), f.model.rows(TopModel.Grouping.SYMBOL, TopModel.Sort.RATE,
                DropPredicate.substring("rcvbuf")).stream().map(TopModel.Row::symbol).toList());
        assertEquals(List.of("__udp4_lib_rcv"), f.model.rows(TopModel.Grouping.SYMBOL, TopModel.Sort.RATE,
                DropPredicate.substring("UDP4")).stream().map(TopModel.Row::symbol).toList());
        assertEquals(2, f.model.rows(TopModel.Grouping.SYMBOL, TopModel.Sort.RATE, DropPredicate.substring(""))
                .size());
        // A predicate of the filter language to come: every row is asked with ANY_CPU.
        DropPredicate cpuAware = (symbol, reason, cpu) -> cpu == DropPredicate.ANY_CPU && "NO_SOCKET".equals(reason);
        assertEquals(List.of("__udp4_lib_rcv"), f.model.rows(TopModel.Grouping.SYMBOL, TopModel.Sort.RATE,
                cpuAware.and(DropPredicate.substring("udp"))).stream().map(TopModel.Row::symbol).toList());
        assertEquals(40, f.model.dropsTotal(), "shares are of all drops, shown or not");
    }

    @Test
    void reasonlessDropsAndUnnamedCodes() {
        Feed f = new Feed();
        f.drop(UDP_A, DropSink.NO_REASON, DropSink.NO_STACK, 1).drop(UDP_A, 99, DropSink.NO_STACK, 1);
        f.tick(1);
        List<TopModel.Row> rows = rows(f.model, TopModel.Grouping.SYMBOL_REASON, TopModel.Sort.NAME);
        assertEquals(List.of("-", "99"), rows.stream().map(TopModel.Row::reason).toList());
        assertNull(rows.get(0).stack());
        assertFalse(DropPredicate.substring("x").test("a", null, 0));
    }

    /**
     * A hardware drop is counted under the trap id its source interned; top shows the trap's
     * name, as dropwatch lines and record name it (top used to show {@code hw-trap#ID}), and
     * {@code trap#ID} only for an id the source never named.
     */
    @Test
    void aHardwareDropIsShownByTheTrapNameItsSourceGaveIt() {
        NameBook netDm = new NameBook();
        netDm.reasonCode("NO_SOCKET");
        int vlan = netDm.trapId("ingress_vlan_filter");
        int blackhole = netDm.trapId("blackhole_route");
        DropAggregator agg = new DropAggregator(1, 64, 16);
        DropSink w = agg.newWriter();
        w.begin();
        w.drop(0, DropOrigin.HARDWARE, vlan, DropSink.NO_REASON, DropSink.NO_STACK, 5);
        w.drop(0, DropOrigin.HARDWARE, blackhole, DropSink.NO_REASON, DropSink.NO_STACK, 3);
        w.drop(0, DropOrigin.HARDWARE, 7, DropSink.NO_REASON, DropSink.NO_STACK, 1);
        w.end();
        TopModel m = new TopModel(netDm);
        m.update(agg.snapshot(), 1000, 1_000_000_000L);
        assertEquals(List.of(new TopModel.Row("ingress_vlan_filter", "-", null, 5, 5, 1000, 1000),
                new TopModel.Row("blackhole_route", "-", null, 3, 3, 1000, 1000),
                new TopModel.Row("trap#7", "-", null, 1, 1, 1000, 1000)),
                rows(m, TopModel.Grouping.SYMBOL_REASON, TopModel.Sort.RATE));
        assertEquals(List.of("ingress_vlan_filter"), m.rows(TopModel.Grouping.SYMBOL, TopModel.Sort.RATE,
                DropPredicate.substring("vlan")).stream().map(TopModel.Row::symbol).toList(), "/ finds it by name");
    }

    @Test
    void groupingAndSortCycle() {
        assertEquals(TopModel.Grouping.SYMBOL, TopModel.Grouping.SYMBOL_REASON.next());
        assertEquals(TopModel.Grouping.SYMBOL_REASON, TopModel.Grouping.STACK.next());
        assertEquals(TopModel.Sort.TOTAL, TopModel.Sort.RATE.next());
        assertEquals(TopModel.Sort.RATE, TopModel.Sort.NAME.next());
    }
}
