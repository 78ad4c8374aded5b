// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.DropNames;
import org.dropscope.names.Symbol;
import org.dropscope.testing.HostileText;
import org.junit.jupiter.api.Test;

class DropwatchLinesTest {
    private static final long PC = 0xffffffff81c3a9a2L;
    /** PC in __udp4_lib_rcv, reason 3 NO_SOCKET. */
    private static final DropNames NAMES = new DropNames() {
        @Override
        public Symbol symbolAt(long pc) {
            return pc == PC ? new Symbol("__udp4_lib_rcv", null, 0x9a2, 0xe60) : null;
        }

        @Override
        public String reason(int code) {
            return code == 3 ? "NO_SOCKET" : null;
        }
    };

    /** The pattern a dropwatch-parsing script would use for resolved software lines. */
    private static final Pattern DROPWATCH = Pattern.compile("^(\\d+) drops at (\\S+) \\((0x[0-9a-f]+)\\) \\[software\\]");

    @Test
    void resolvedLineKeepsDropwatchsShapeAndAppendsTheReason() {
        DropwatchLines f = new DropwatchLines(NAMES);
        String line = f.line(12, DropOrigin.SOFTWARE, PC, 3);
        assertEquals("12 drops at __udp4_lib_rcv+9a2 (0xffffffff81c3a9a2) [software] reason: NO_SOCKET", line);
        Matcher m = DROPWATCH.matcher(line);
        assertTrue(m.find());
        assertEquals("12", m.group(1));
        assertEquals(PC, Long.parseUnsignedLong(m.group(3).substring(2), 16));
    }

    @Test
    void unresolvedAndReasonlessAndHardwareForms() {
        DropwatchLines f = new DropwatchLines(new DropNames() {
            @Override
            public String trap(int id) {
                return id == 4 ? "ingress_vlan_filter" : null;
            }
        });
        assertEquals("1 drops at location 0xffffffff81c3a9a2 [software]",
                f.line(1, DropOrigin.SOFTWARE, PC, DropSink.NO_REASON));
        assertEquals("2 drops at location 0xffffffff81c3a9a2 [software] reason: 77",
                f.line(2, DropOrigin.SOFTWARE, PC, 77));
        assertEquals("3 drops at location (nil) [software]",
                f.line(3, DropOrigin.SOFTWARE, 0, DropSink.NO_REASON));
        assertEquals("5 drops at ingress_vlan_filter [hardware]",
                f.line(5, DropOrigin.HARDWARE, 4, DropSink.NO_REASON));
        assertEquals("6 drops at trap#5 [hardware]", f.line(6, DropOrigin.HARDWARE, 5, DropSink.NO_REASON),
                "a trap nothing names");
    }

    @Test
    void intervalLinesSkipQuietKeysMergeStacksAndSortBusiestFirst() {
        DropAggregator agg = new DropAggregator(1, 64, 16);
        int s1 = agg.stacks().intern(new long[] {1, 2}, 2);
        int s2 = agg.stacks().intern(new long[] {1, 3}, 2);
        DropSink w = agg.newWriter();
        w.begin();
        w.drop(0, DropOrigin.SOFTWARE, PC, 3, s1, 2);
        w.drop(0, DropOrigin.SOFTWARE, PC, 3, s2, 5);
        w.drop(0, DropOrigin.SOFTWARE, 0x1234, 3, DropSink.NO_STACK, 1);
        w.end();
        DropwatchLines f = new DropwatchLines(NAMES);
        assertEquals(List.of(
                "7 drops at __udp4_lib_rcv+9a2 (0xffffffff81c3a9a2) [software] reason: NO_SOCKET",
                "1 drops at location 0x1234 [software] reason: NO_SOCKET"), f.lines(agg.snapshot()));
        assertEquals(List.of(), f.lines(agg.snapshot()), "nothing new, nothing printed");
    }

    @Test
    void namesFromTheKernelOrAFileArePrintedEscapedAndOneWordEach() {
        String sym = HostileText.name("__udp4_lib_rcv") + "+9a2";
        DropwatchLines f = new DropwatchLines(HostileText.NAMES);
        String software = f.line(12, DropOrigin.SOFTWARE, PC, 3);
        String hardware = f.line(3, DropOrigin.HARDWARE, 4, DropSink.NO_REASON);
        String summary = f.hardwareLine(5, HostileText.name("blackhole_route"));
        for (String line : List.of(software, hardware, summary)) {
            HostileText.assertSafe(line.getBytes(StandardCharsets.UTF_8), line);
        }
        Matcher m = DROPWATCH.matcher(software);
        assertTrue(m.find(), software);
        assertEquals(Printable.word(sym), m.group(2));
        assertEquals(8, software.split(" ").length, "a script's fields: " + software);
        assertEquals(5, hardware.split(" ").length, hardware);
    }
}
