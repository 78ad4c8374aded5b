// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.DropNames;
import org.dropscope.names.Symbol;
import org.dropscope.testing.HostileText;
import org.junit.jupiter.api.Test;

class TopScreenTest {
    private static final TopScreen SCREEN = new TopScreen(ZoneOffset.UTC);
    private static final TopScreen.Run RUN = new TopScreen.Run("tracepoint skb:kfree_skb (test)", "6.18.0", null);
    private static final TopScreen.View DEFAULT = view(TopModel.Grouping.SYMBOL_REASON, "", false, null);

    private static TopScreen.View view(TopModel.Grouping g, String filter, boolean paused, String prompt) {
        return new TopScreen.View(g, TopModel.Sort.RATE, DropPredicate.substring(filter), filter, paused, prompt, null);
    }

    /** 12:00:01 UTC: 30 NO_SOCKET at __udp4_lib_rcv, 10 SOCKET_RCVBUFF at udp_queue_rcv_one_skb, 2 lost. */
    private static TopModel model() {
        TopFixtures.Feed f = new TopFixtures.Feed();
        f.drop(TopFixtures.UDP_A, TopFixtures.NO_SOCKET, DropSink.NO_STACK, 30)
                .drop(TopFixtures.QUEUE, TopFixtures.RCVBUFF, DropSink.NO_STACK, 10).lost(2);
        f.tick(12 * 3600 + 1);
        return f.model;
    }

    /**
     * The title's clock, formatted by hand, says what DateTimeFormatter says: in a zone with
     * summer time on either side of its changes, at a half-hour offset, before 1970 (for the
     * zone's offset only: top's times are now), and across midnight.
     */
    @Test
    void theClockIsTheZonesLocalTimeOfDay() {
        DateTimeFormatter hms = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
        long[] seconds = {0, 59, 3599, 86_399, 86_400, 1_774_745_999L, 1_774_746_000L, 1_792_889_999L,
            1_792_890_000L, 1_796_000_123L};
        for (String id : List.of("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "Pacific/Kiritimati")) {
            ZoneId zone = ZoneId.of(id);
            for (long s : seconds) {
                for (long extraMillis : new long[] {0, 999}) {
                    long millis = 1000 * s + extraMillis;
                    assertEquals(hms.format(Instant.ofEpochMilli(millis).atZone(zone)),
                            TopScreen.time(millis, zone.getRules()), id + " at " + millis);
                }
            }
        }
        // 2026-03-29 00:59:59 UTC is 01:59:59 in Berlin (CET); a second later summer time begins.
        assertEquals("01:59:59", TopScreen.time(1_774_745_999_000L, ZoneId.of("Europe/Berlin").getRules()));
        assertEquals("03:00:00", TopScreen.time(1_774_746_000_000L, ZoneId.of("Europe/Berlin").getRules()));
        assertEquals("--:--:--", TopScreen.time(-1, ZoneOffset.UTC.getRules()));
    }

    @Test
    void aScreenHasTheHeaderTheRowsAndTheKeys() {
        List<String> lines = SCREEN.screen(model(), DEFAULT, RUN, 120, 10);
        assertEquals(List.of(
                "dropscope top 12:00:01  tracepoint skb:kfree_skb (test)",
                "kernel 6.18.0  events/s 40.0  lost 2/interval 2 total  drops 40 total",
                "group symbol+reason  sort drops/s",
                "   DROPS/S        TOTAL  SHARE  FIRST     LAST      SYMBOL                 REASON",
                "      30.0           30   75.0  12:00:01  12:00:01  __udp4_lib_rcv         NO_SOCKET",
                "      10.0           10   25.0  12:00:01  12:00:01  udp_queue_rcv_one_skb  SOCKET_RCVBUFF",
                "", "", "",
                TopScreen.KEYS), lines);
    }

    @Test
    void rowsThatDoNotFitAreCountedOnOneLine() {
        TopFixtures.Feed f = new TopFixtures.Feed();
        for (int i = 0; i < 20; i++) {
            f.drop(TopFixtures.UNKNOWN + i, TopFixtures.NO_SOCKET, DropSink.NO_STACK, 100 - i);
        }
        f.tick(1);
        List<String> lines = SCREEN.screen(f.model, DEFAULT, RUN, 100, 12);
        assertEquals(12, lines.size());
        // 12 lines: 4 of header, 6 rows, the "more" line, the keys.
        assertEquals("… 14 more", lines.get(10));
        assertTrue(lines.get(4).contains("0xffffffffc0001234"), lines.get(4));
        assertTrue(lines.get(9).contains("0xffffffffc0001239"), lines.get(9));
        assertEquals(TopScreen.KEYS, lines.get(11));
    }

    @Test
    void everyLineFitsTheWidthAndTheHeightIsNeverExceeded() {
        TopModel m = model();
        for (int width : new int[] {1, 20, 50, 200}) {
            for (int height : new int[] {1, 2, 5, 6, 30}) {
                List<String> lines = SCREEN.screen(m, view(TopModel.Grouping.STACK, "udp", true, "ab"), RUN, width,
                        height);
                assertEquals(height, lines.size(), width + "x" + height);
                for (String l : lines) {
                    assertTrue(l.length() <= width, width + "x" + height + ": " + l);
                }
                assertTrue(lines.get(height - 1).startsWith(TopScreen.cut("filter (", width)),
                        "the prompt stays on the last line: " + lines);
            }
        }
    }

    @Test
    void theSettingsLineSaysGroupingSortFilterPauseAndMissingStacks() {
        TopScreen.Run netDm = new TopScreen.Run("NET_DM", "6.1.0", "(NET_DM reports no kernel stacks)");
        List<String> lines = SCREEN.screen(model(), view(TopModel.Grouping.STACK, "udp4", true, null), netDm, 200, 20);
        assertEquals("group stack  sort drops/s  filter udp4  PAUSED  (NET_DM reports no kernel stacks)", lines.get(2));
        assertEquals("      30.0           30   75.0  12:00:01  12:00:01  NO_SOCKET  (no stack)", lines.get(4));
        assertEquals("", lines.get(5), "the filter keeps only __udp4_lib_rcv");
        lines = SCREEN.screen(model(), view(TopModel.Grouping.SYMBOL, "", false, null), netDm, 200, 20);
        assertEquals("group symbol  sort drops/s", lines.get(2), "stacks are mentioned only for the stack grouping");
    }

    /** Stacks a counted key's counter sampled are never shown as if every drop had its own. */
    @Test
    void theStackGroupingSaysHowTheStacksWereSampled() {
        TopScreen.Run sampled = new TopScreen.Run("tracepoint skb:kfree_skb (test)", "6.18.0",
                "(stacks: cold keys every drop, hot keys 1 in 1000)");
        TopScreen.View stacks = view(TopModel.Grouping.STACK, "", false, null);
        assertEquals("12:00:01  tracepoint skb:kfree_skb (test)  events/s 40.0  lost 2/interval 2 total  drops 40 total"
                + "  (stacks: cold keys every drop, hot keys 1 in 1000)", SCREEN.block(model(), stacks, sampled).get(0));
        assertEquals("group stack  sort drops/s  (stacks: cold keys every drop, hot keys 1 in 1000)",
                SCREEN.screen(model(), stacks, sampled, 200, 20).get(2));
        assertFalse(SCREEN.block(model(), DEFAULT, sampled).get(0).contains("stacks"),
                "said only for the stack grouping");
    }

    @Test
    void thePromptReplacesTheKeys() {
        List<String> lines = SCREEN.screen(model(), view(TopModel.Grouping.SYMBOL, "", false, "udp"), RUN, 200, 8);
        assertEquals("filter (name part or expression, Enter applies, empty clears): udp", lines.get(7));
    }

    @Test
    void stackRowsShowTheChainInnermostFirst() {
        TopFixtures.Feed f = new TopFixtures.Feed();
        int s = f.agg.stacks().intern(new long[] {1, 2}, 2);
        f.drop(TopFixtures.UDP_A, TopFixtures.NO_SOCKET, s, 3);
        f.tick(1);
        List<String> lines = SCREEN.screen(f.model, view(TopModel.Grouping.STACK, "", false, null), RUN, 200, 8);
        assertEquals("   DROPS/S        TOTAL  SHARE  FIRST     LAST      REASON     STACK", lines.get(3));
        assertEquals("       3.0            3  100.0  00:00:01  00:00:01  NO_SOCKET  kfree_skb_reason < frame" + s,
                lines.get(4));
    }

    @Test
    void beforeTheFirstIntervalTheScreenSaysItWaits() {
        TopModel m = new TopModel(TopFixtures.NAMES);
        List<String> lines = SCREEN.screen(m, DEFAULT, RUN, 100, 8);
        assertEquals("dropscope top --:--:--  tracepoint skb:kfree_skb (test)", lines.get(0));
        assertEquals("(waiting for the first interval)", lines.get(4));
    }

    @Test
    void aBatchBlockHasEveryRowUncut() {
        TopFixtures.Feed f = new TopFixtures.Feed();
        String longName = "x".repeat(TopScreen.MAX_SYMBOL + 10);
        DropNames names = new DropNames() {
            @Override
            public Symbol symbolAt(long pc) {
                return pc == 1 ? new Symbol(longName, null, 0, 0x10) : TopFixtures.NAMES.symbolAt(pc);
            }

            @Override
            public String reason(int code) {
                return TopFixtures.NAMES.reason(code);
            }
        };
        TopModel m = new TopModel(names);
        f.drop(1, TopFixtures.NO_SOCKET, DropSink.NO_STACK, 5).drop(TopFixtures.UDP_A, TopFixtures.NO_SOCKET,
                DropSink.NO_STACK, 7);
        m.update(f.agg.snapshot(), 3_600_000, 1_000_000_000L);
        List<String> block = SCREEN.block(m, DEFAULT, RUN);
        assertEquals(5, block.size());
        assertEquals("01:00:00  tracepoint skb:kfree_skb (test)  events/s 12.0  lost 0/interval 0 total  drops 12 total",
                block.get(0));
        assertTrue(block.get(1).startsWith("   DROPS/S        TOTAL"), block.get(1));
        assertTrue(block.get(2).endsWith("__udp4_lib_rcv" + " ".repeat(longName.length() - 14) + "  NO_SOCKET"),
                block.get(2));
        assertTrue(block.get(3).contains(longName + "  NO_SOCKET"), block.get(3));
        assertEquals("", block.get(4));
    }

    /** A model whose names (kallsyms, the tracepoint's reasons, NET_DM's traps) are hostile. */
    private static TopModel hostileModel() {
        TopModel m = new TopModel(HostileText.NAMES);
        DropAggregator agg = new DropAggregator(2, 64, 16);
        DropSink w = agg.newWriter();
        w.begin();
        w.drop(0, DropOrigin.SOFTWARE, TopFixtures.UDP_A, TopFixtures.NO_SOCKET, 5, 30);
        w.drop(0, DropOrigin.HARDWARE, 2, DropSink.NO_REASON, 5, 10);
        w.end();
        m.update(agg.snapshot(), 1000, 1_000_000_000L);
        return m;
    }

    @Test
    void hostileNamesAreEscapedOnTheScreenAndOneWordEachInBatchBlocks() {
        TopModel m = hostileModel();
        TopScreen.Run run = new TopScreen.Run("netdm " + HostileText.ALL, HostileText.name("6.18.0"), null);
        TopScreen.View filtered = new TopScreen.View(TopModel.Grouping.SYMBOL_REASON, TopModel.Sort.RATE,
                DropPredicate.ALL, "udp" + HostileText.ALL, false, HostileText.ALL, null);
        List<String> screen = SCREEN.screen(m, filtered, run, 400, 10);
        HostileText.assertSafe(String.join("\n", screen).getBytes(StandardCharsets.UTF_8), screen.toString());
        for (TopModel.Grouping g : TopModel.Grouping.values()) {
            List<String> block = SCREEN.block(m, view(g, "", false, null), run);
            HostileText.assertSafe(String.join("\n", block).getBytes(StandardCharsets.UTF_8), block.toString());
            int names = g == TopModel.Grouping.SYMBOL_REASON ? 2 : 1;
            for (String row : block.subList(2, block.size() - 1)) {
                String[] fields = row.trim().split("\\s+");
                // Rate, total, share, first, last, then the names (a stack: frames joined by " < ").
                assertEquals(5 + (g == TopModel.Grouping.STACK ? 1 + 3 : names), fields.length, row);
            }
        }
    }
}
