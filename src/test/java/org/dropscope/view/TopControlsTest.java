// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.util.List;
import org.dropscope.event.DropSink;
import org.junit.jupiter.api.Test;

class TopControlsTest {
    private static final TopScreen SCREEN = new TopScreen(ZoneOffset.UTC);
    private static final TopScreen.Run RUN = new TopScreen.Run("test", "6.18.0", null);

    private final TopFixtures.Feed feed = new TopFixtures.Feed();
    private final TopControls controls = new TopControls(feed.model, TopModel.Grouping.SYMBOL_REASON,
            TopModel.Sort.RATE, DropPredicate.ALL);

    private void tick(long second) {
        assertNotEquals(TopControls.Change.NONE, controls.update(feed.agg.snapshot(), second * 1000));
    }

    private List<String> screen() {
        return controls.screen(SCREEN, RUN, 120, 12);
    }

    private void type(String keys) {
        keys.chars().forEach(controls::key);
    }

    @Test
    void keysCycleGroupingAndSortAndQuit() {
        assertEquals(TopControls.Action.REDRAW, controls.key('g'));
        assertEquals("group symbol  sort drops/s", screen().get(2));
        assertEquals(TopControls.Action.REDRAW, controls.key('s'));
        assertEquals("group symbol  sort total", screen().get(2));
        assertEquals(TopControls.Action.NONE, controls.key('x'));
        assertEquals(TopControls.Action.QUIT, controls.key('q'));
    }

    @Test
    void intervalsWithoutDropsAfterAnotherChangeOnlyTheClock() {
        feed.drop(TopFixtures.UDP_A, TopFixtures.NO_SOCKET, DropSink.NO_STACK, 10);
        assertEquals(TopControls.Change.SCREEN, controls.update(feed.agg.snapshot(), 1000));
        // The first quiet interval still changes the screen: the rate falls to 0.0.
        assertEquals(TopControls.Change.SCREEN, controls.update(feed.agg.snapshot(), 2000));
        List<String> before = screen();
        assertTrue(before.get(4).startsWith("       0.0           10 "), before.get(4));

        assertEquals(TopControls.Change.CLOCK, controls.update(feed.agg.snapshot(), 3000));
        List<String> after = screen();
        assertEquals("dropscope top 00:00:03  test", controls.titleLine(SCREEN, RUN, 120, 12));
        assertEquals(after.get(0), controls.titleLine(SCREEN, RUN, 120, 12));
        assertEquals(before.subList(1, before.size()), after.subList(1, after.size()),
                "only the title changed");
        assertEquals("dropscope top 0", controls.titleLine(SCREEN, RUN, 15, 12));
        assertEquals(null, controls.titleLine(SCREEN, RUN, 120, 1), "one line: the keys, no title");

        feed.drop(TopFixtures.UDP_A, TopFixtures.NO_SOCKET, DropSink.NO_STACK, 5);
        assertEquals(TopControls.Change.SCREEN, controls.update(feed.agg.snapshot(), 4000));
        assertTrue(screen().get(4).contains(" 15 "), screen().get(4));
    }

    @Test
    void anIntervalWithOnlyLostEventsChangesTheScreen() {
        assertEquals(TopControls.Change.SCREEN, controls.update(feed.agg.snapshot(), 1000));
        assertEquals(TopControls.Change.CLOCK, controls.update(feed.agg.snapshot(), 2000));
        feed.lost(3);
        assertEquals(TopControls.Change.SCREEN, controls.update(feed.agg.snapshot(), 3000));
        assertTrue(screen().get(1).contains("lost 3/interval 3 total"), screen().get(1));
        assertEquals(TopControls.Change.SCREEN, controls.update(feed.agg.snapshot(), 4000));
        assertTrue(screen().get(1).contains("lost 0/interval 3 total"), screen().get(1));
        assertEquals(TopControls.Change.CLOCK, controls.update(feed.agg.snapshot(), 5000));
    }

    @Test
    void pauseFreezesTheScreenWhileCountingGoesOn() {
        feed.drop(TopFixtures.UDP_A, TopFixtures.NO_SOCKET, DropSink.NO_STACK, 10);
        tick(1);
        controls.key('p');
        feed.drop(TopFixtures.UDP_A, TopFixtures.NO_SOCKET, DropSink.NO_STACK, 5);
        assertEquals(TopControls.Change.NONE, controls.update(feed.agg.snapshot(), 2000), "no redraw while paused");
        assertTrue(screen().get(2).endsWith("PAUSED"), screen().get(2));
        assertTrue(screen().get(4).contains(" 10 "), screen().get(4));
        controls.key('p');
        assertTrue(screen().get(4).contains(" 15 "), screen().get(4));
    }

    @Test
    void resetWhilePausedShowsTheResetAtOnce() {
        feed.drop(TopFixtures.UDP_A, TopFixtures.NO_SOCKET, DropSink.NO_STACK, 10);
        tick(1);
        controls.key('p');
        controls.key('r');
        assertEquals("", screen().get(4));
        assertTrue(screen().get(1).endsWith("drops 0 total"), screen().get(1));
    }

    @Test
    void theFilterPromptTakesTextUntilEnterAndEmptyClears() {
        feed.drop(TopFixtures.UDP_A, TopFixtures.NO_SOCKET, DropSink.NO_STACK, 10)
                .drop(TopFixtures.QUEUE, TopFixtures.RCVBUFF, DropSink.NO_STACK, 3);
        tick(1);
        controls.key('/');
        type("queuex");
        controls.key(127);
        assertEquals("filter (name part or expression, Enter applies, empty clears): queue", screen().get(11));
        assertEquals(TopControls.Action.REDRAW, controls.key('q'), "q is text at the prompt");
        controls.key(127);
        controls.key('\r');
        assertEquals("group symbol+reason  sort drops/s  filter queue", screen().get(2));
        assertTrue(screen().get(4).contains("udp_queue_rcv_one_skb"), screen().get(4));
        assertEquals("", screen().get(5));
        controls.key('/');
        type("zzz");
        controls.key(27);
        assertEquals("group symbol+reason  sort drops/s  filter queue", screen().get(2), "Escape leaves it as it was");
        controls.key('/');
        controls.key('\n');
        assertEquals("group symbol+reason  sort drops/s", screen().get(2));
        assertTrue(screen().get(5).contains("udp_queue_rcv_one_skb"), screen().get(5));
    }

    @Test
    void theFilterPromptTakesAnExpressionOfTheFilterLanguage() {
        feed.drop(TopFixtures.UDP_A, TopFixtures.NO_SOCKET, DropSink.NO_STACK, 10)
                .drop(TopFixtures.QUEUE, TopFixtures.RCVBUFF, DropSink.NO_STACK, 3);
        tick(1);
        controls.key('/');
        type("reason =~ socket_* && symbol != __udp4_lib_rcv\r");
        assertEquals("group symbol+reason  sort drops/s  filter reason =~ socket_* && symbol != __udp4_lib_rcv",
                screen().get(2));
        assertTrue(screen().get(4).contains("udp_queue_rcv_one_skb"), screen().get(4));
        assertEquals("", screen().get(5));
        controls.key('/');
        type("cpu == 1\r");
        assertEquals("group symbol+reason  sort drops/s  filter reason =~ socket_* && symbol != __udp4_lib_rcv"
                + "  filter not applied: column 1: 'cpu' is not a property of a row (rows add up every CPU, protocol"
                + " and port): start top with --filter for it of 'cpu == 1'", controls.screen(SCREEN, RUN, 400, 12).get(2));
        assertTrue(screen().get(4).contains("udp_queue_rcv_one_skb"), "the previous filter stays: " + screen());
        controls.key('/');
        type("reason == NO_SOCKET\r");
        assertEquals("group symbol+reason  sort drops/s  filter reason == NO_SOCKET", screen().get(2));
        assertTrue(screen().get(4).contains("__udp4_lib_rcv"), screen().get(4));
        assertEquals("", screen().get(5));
    }

    @Test
    void aFixedFilterAppliesWithTheTypedOne() {
        TopControls c = new TopControls(feed.model, TopModel.Grouping.SYMBOL, TopModel.Sort.RATE,
                (symbol, reason, cpu) -> !"SOCKET_RCVBUFF".equals(reason));
        feed.drop(TopFixtures.UDP_A, TopFixtures.NO_SOCKET, DropSink.NO_STACK, 10)
                .drop(TopFixtures.QUEUE, TopFixtures.RCVBUFF, DropSink.NO_STACK, 3);
        c.update(feed.agg.snapshot(), 1000);
        List<String> block = c.block(SCREEN, RUN);
        assertEquals(4, block.size(), block.toString());
        assertTrue(block.get(2).endsWith("__udp4_lib_rcv"), block.get(2));
    }
}
