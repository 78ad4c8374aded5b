// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneOffset;
import java.util.List;
import org.dropscope.event.PacketDrop;
import java.nio.charset.StandardCharsets;
import org.dropscope.testing.HostileText;
import org.junit.jupiter.api.Test;

class PacketBlockTest {
    private static final long ABSENT = PacketDrop.ABSENT;
    private static final int NO = PacketDrop.ABSENT_INT;
    /** 2026-11-02T01:02:03Z plus 4,005 ns: a one-digit day, so asctime pads it with a space. */
    private static final long TS = 1_793_581_323_000_004_005L;

    @Test
    void softwareDropInDropwatchsOrder() {
        PacketDrop p = new PacketDrop(0, 0xffffffff9a8a8f42L, "__udp4_lib_rcv+0x9a2/0xe60", "NO_SOCKET", 1, null,
                null, TS, 0x800, 64, 44, null, null);
        assertEquals(List.of(
                "drop at: __udp4_lib_rcv+0x9a2/0xe60 (0xffffffff9a8a8f42)",
                "origin: software",
                "input port ifindex: 1",
                "timestamp: Mon Nov  2 01:02:03 2026 000004005 nsec",
                "protocol: 0x800",
                "length: 64",
                "original length: 44",
                "drop reason: NO_SOCKET",
                ""), new PacketBlock(ZoneOffset.UTC).lines(p));
    }

    @Test
    void hardwareDropWithPortNameAndCookie() {
        PacketDrop p = new PacketDrop(1, ABSENT, null, null, 7, "swp1", new byte[] {0x0a, (byte) 0xff, 0},
                ABSENT, NO, ABSENT, ABSENT, "l2_drops", "ingress_vlan_filter");
        assertEquals(List.of(
                "drop at: ingress_vlan_filter (l2_drops)",
                "origin: hardware",
                "input port ifindex: 7",
                "input port name: swp1",
                "cookie: 0aff00",
                ""), new PacketBlock(ZoneOffset.UTC).lines(p));
    }

    @Test
    void unknownOriginAndNothingElse() {
        PacketDrop p = new PacketDrop(9, ABSENT, null, null, ABSENT, null, null, ABSENT, NO, ABSENT, ABSENT, null, null);
        assertEquals(List.of("origin: unknown", ""), new PacketBlock(ZoneOffset.UTC).lines(p));
    }

    @Test
    void theMessagesStringsArePrintedEscaped() {
        PacketDrop sw = new PacketDrop(0, 0xffffffff9a8a8f42L, HostileText.name("__udp4_lib_rcv+0x9a2/0xe60"),
                HostileText.name("NO_SOCKET"), 1, HostileText.name("eth0"), null, TS, 0x800, 64, 44, null, null);
        PacketDrop hw = new PacketDrop(1, ABSENT, null, null, 7, "swp1", null, ABSENT, NO, ABSENT, ABSENT,
                HostileText.name("l2_drops"), HostileText.name("ingress_vlan_filter"));
        PacketBlock block = new PacketBlock(ZoneOffset.UTC);
        for (PacketDrop p : List.of(sw, hw)) {
            List<String> lines = block.lines(p);
            byte[] printed = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
            HostileText.assertSafe(printed, lines.toString());
            assertEquals(4, lines.get(0).split(" ").length, "drop at: NAME (WHERE) stays four words: " + lines.get(0));
        }
        assertEquals("drop reason: " + Printable.word(sw.reason()), block.lines(sw).get(8));
        assertEquals("input port name: " + Printable.word(sw.inIfname()), block.lines(sw).get(3));
    }

    /** Times are read signed, as report reads them: the last 64-bit time is 2262, and -1 ns is 1969, not 2554. */
    @Test
    void timestampsAreSignedNanosecondsLikeEveryTime() {
        assertEquals("timestamp: Fri Apr 11 23:47:16 2262 854775807 nsec", timestampLine(Long.MAX_VALUE));
        assertEquals("timestamp: Wed Dec 31 23:59:59 1969 999999999 nsec", timestampLine(-1));
    }

    private static String timestampLine(long nanos) {
        PacketDrop p = new PacketDrop(0, ABSENT, null, null, ABSENT, null, null, nanos, NO, ABSENT, ABSENT, null, null);
        return new PacketBlock(ZoneOffset.UTC).lines(p).get(1);
    }
}
