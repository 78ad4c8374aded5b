// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropSink;
import org.dropscope.filter.DropFilter;
import org.dropscope.filter.FilterException;
import org.dropscope.filter.FilterParser;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.names.Location;
import org.dropscope.names.Symbol;
import org.junit.jupiter.api.Test;

/** The recorded naming service: what a file's symbol, stack and name records name. */
class RecordNamesTest {
    private static final long NFT = 0xffffffffc0a10000L;

    @Test
    void aFileCanBeFilteredWithTheNamesItCarries() throws IOException, FilterException {
        byte[] file = RecordFixtures.small(6);
        RecordNames names = new RecordNames();
        DropFilter filter = DropFilter.compile(FilterParser.parse("symbol =~ __udp* && reason == NO_SOCKET"), names);
        List<DropEvent> kept = new ArrayList<>();
        ReadResult result = new RecordReader(new ByteArrayInputStream(file)).read(names.feeding(e -> {
            if (filter.test(e)) {
                kept.add(e.copy());
            }
        }));
        assertTrue(result.complete());
        assertEquals(3, kept.size(), "the events at __udp4_lib_rcv, of 6");
        assertEquals("__udp4_lib_rcv", names.symbol(RecordFixtures.UDP_RCV_PC));
        assertEquals("udp_queue_rcv_one_skb", names.symbol(RecordFixtures.QUEUE_RCV_PC));
        assertNull(names.symbol(RecordFixtures.QUEUE_RCV + 0x400), "past the symbol's end");
        assertNull(names.symbolAt(0x1000), "below every symbol");
        assertEquals(List.of(new Location(RecordFixtures.UDP_RCV_PC, new Symbol("__udp4_lib_rcv", null, 0x4bc, 0x1000)),
                new Location(RecordFixtures.QUEUE_RCV_PC, new Symbol("udp_queue_rcv_one_skb", null, 0x1a2, 0x400))),
                names.stack(7));
        assertEquals("SOCKET_RCVBUFF", names.reason(RecordFixtures.SOCKET_RCVBUFF));
        assertEquals(2, names.symbolCount());
    }

    @Test
    void namesAreWhatTheRecordsSaidWithTheOffsetOfTheAddressAsked() {
        RecordNames names = new RecordNames();
        names.symbol(new KernelSymbol("nft_do_chain", "nf_tables", NFT, 0x800));
        names.stack(4, new long[] {NFT + 0x10, 0xffffffff81000000L});
        names.name(NameKind.REASON, 2, "NETFILTER_DROP");
        names.name(NameKind.TRAP, 2, "blackhole_route");

        Symbol s = names.symbolAt(NFT + 0x7ff);
        assertEquals(new Symbol("nft_do_chain", "nf_tables", 0x7ff, 0x800), s);
        assertEquals("nft_do_chain+7ff", s.dropwatch());
        assertEquals("nft_do_chain+7ff", names.symbolOffset(NFT + 0x7ff));
        assertEquals("nft_do_chain[nf_tables]", names.location(NFT).function());
        assertNull(names.symbolAt(NFT + 0x800), "one past the end");
        assertEquals("0xffffffffc0a10800", names.location(NFT + 0x800).name(), "an unnamed address prints as itself");

        List<Location> frames = names.stack(4);
        assertEquals(List.of("nft_do_chain+10", "0xffffffff81000000"), frames.stream().map(Location::dropwatch).toList());
        assertNull(names.stack(5), "a stack the file did not name");

        assertEquals("NETFILTER_DROP", names.reason(2), "reasons and traps are numbered apart");
        assertEquals("blackhole_route", names.trap(2));
        assertEquals("blackhole_route", names.trapLabel(2));
        assertNull(names.reason(DropSink.NO_REASON));
        assertNull(names.trap(3));
        assertEquals("trap#3", names.trapLabel(3));
    }
}
