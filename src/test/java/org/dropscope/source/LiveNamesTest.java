// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropSink;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.names.DropNames;
import org.dropscope.names.Location;
import org.dropscope.names.NameBook;
import org.dropscope.names.Symbol;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live naming service: addresses through kallsyms (kallsyms-fixtures/with-modules.txt, which
 * has vmlinux and module symbols), reasons and traps from the source, stacks from the aggregator.
 */
class LiveNamesTest {
    private static final long UDP_RCV = 0xffffffff82046a90L;
    private static final long NFT_DO_CHAIN = 0xffffffffc0a10010L;
    private static final long VETH_XMIT = 0xffffffffc0a00080L;
    private static final long NOWHERE = 0x1000L;

    private static Symbolizer symbols;

    @BeforeAll
    static void load() throws IOException {
        symbols = new Symbolizer(() -> resource("kallsyms-fixtures/with-modules.txt"),
                () -> resource("kallsyms-fixtures/with-modules.modules"));
    }

    private static Reader resource(String path) {
        InputStream in = LiveNamesTest.class.getClassLoader().getResourceAsStream(path);
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    @Test
    void addressesAreNamedByKallsymsWithTheirModuleAndOffset() {
        DropNames names = new LiveNames(symbols, DropNames.NONE, null);
        assertEquals(new Symbol("__udp4_lib_rcv", null, 0x4bc, udpRcvSize()), names.symbolAt(UDP_RCV + 0x4bc));
        assertEquals("__udp4_lib_rcv+4bc", names.location(UDP_RCV + 0x4bc).dropwatch());
        assertEquals("__udp4_lib_rcv+4bc", names.symbolOffset(UDP_RCV + 0x4bc));
        assertSame(names.symbolOffset(UDP_RCV + 0x4bc), names.symbolOffset(UDP_RCV + 0x4bc), "formatted once");
        assertEquals("nft_do_chain[nf_tables]", names.location(NFT_DO_CHAIN + 0x20).function());
        assertEquals("nft_do_chain", names.symbol(NFT_DO_CHAIN + 0x20), "the filter's name: no module");
        assertEquals("veth_xmit", names.symbol(VETH_XMIT));
        assertNull(names.symbolAt(NOWHERE));
        assertNull(names.symbolOffset(NOWHERE));
        assertNull(names.symbol(NOWHERE));
        assertEquals("0x1000", names.location(NOWHERE).function());
    }

    /** __udp4_lib_rcv's extent in the fixture: up to the next symbol, __pfx_udp_v4_early_demux. */
    private static long udpRcvSize() {
        return 0xffffffff82047790L - UDP_RCV;
    }

    @Test
    void withoutKallsymsNoAddressIsNamed() {
        DropNames names = new LiveNames(null, DropNames.NONE, null);
        assertNull(names.symbolAt(UDP_RCV));
        assertNull(names.symbolOffset(UDP_RCV));
        assertNull(names.symbol(UDP_RCV));
        assertEquals("0xffffffff82046a90", names.location(UDP_RCV).dropwatch());
    }

    @Test
    void reasonsAndTrapsAreTheSourcesOwn() {
        NameBook netDm = new NameBook();
        int noSocket = netDm.reasonCode("NO_SOCKET");
        int trap = netDm.trapId("ingress_vlan_filter");
        DropNames names = new LiveNames(symbols, netDm, null);
        assertEquals("NO_SOCKET", names.reason(noSocket));
        assertNull(names.reason(DropSink.NO_REASON));
        assertEquals("ingress_vlan_filter", names.trap(trap));
        assertEquals("ingress_vlan_filter", names.trapLabel(trap));
        assertEquals("trap#9", names.trapLabel(9));
        int later = netDm.trapId("blackhole_route");
        assertEquals("blackhole_route", names.trap(later), "a name the source meets later is known at once");
    }

    @Test
    void stacksAreTheAggregatorsChainsNamedFrameByFrame() {
        DropAggregator aggregator = new DropAggregator(1, 64, 16);
        int id = aggregator.stacks().intern(new long[] {NFT_DO_CHAIN + 0x20, UDP_RCV + 0x10, NOWHERE}, 3);
        DropNames names = new LiveNames(symbols, DropNames.NONE, aggregator.stacks());
        List<Location> frames = names.stack(id);
        assertEquals(List.of("nft_do_chain[nf_tables]", "__udp4_lib_rcv", "0x1000"),
                frames.stream().map(Location::function).toList());
        assertEquals(NFT_DO_CHAIN + 0x20, frames.get(0).pc(), "a recorder writes the frames' addresses");
        assertEquals(List.of(), names.stack(id + 1), "an id the table does not hold: no frames, as StackTable says");
        assertNull(new LiveNames(symbols, DropNames.NONE, null).stack(id), "no table: stacks are not known here");
    }

    @Test
    void theFiltersQuestionAllocatesNothing() {
        DropNames names = new LiveNames(symbols, DropNames.NONE, null);
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long pc = NFT_DO_CHAIN + 0x20;
        for (int i = 0; i < 20_000; i++) {
            names.symbol(pc + (i & 7));
        }
        long before = bean.getCurrentThreadAllocatedBytes();
        int found = 0;
        for (int i = 0; i < 100_000; i++) {
            found += names.symbol(pc + (i & 7)) != null ? 1 : 0;
        }
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        assertEquals(100_000, found);
        // The measurement itself allocates a little; one boxed address per lookup would be 1.6 MB.
        assertTrue(allocated < 8192, allocated + " bytes for 100,000 lookups");
    }
}
