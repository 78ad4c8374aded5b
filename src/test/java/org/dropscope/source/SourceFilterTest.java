// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.filter.DropFilter;
import org.dropscope.filter.Expr;
import org.dropscope.filter.FilterException;
import org.dropscope.filter.KernelFilter;
import org.dropscope.filter.LongFilters;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.names.DropNames;
import org.dropscope.names.NameBook;
import org.dropscope.tracefs.DropReasons;
import org.dropscope.tracefs.TracepointFormat;
import org.dropscope.tracefs.TracefsFormatException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A live {@code --filter} against Linux 6.18's kfree_skb format and a kallsyms with modules
 * (kallsyms-fixtures/with-modules.txt): what goes to the kernel, what stays in user space, and
 * what is refused with its column.
 */
class SourceFilterTest {
    private static DropReasons reasons;
    private static Symbolizer symbols;
    private static long udpRcv;
    private static long nftDoChain;
    private static long vethXmit;

    @BeforeAll
    static void load() throws IOException, TracefsFormatException {
        try (Reader r = resource("fixtures/tracefs/linux-6.18.44-kfree_skb.format")) {
            reasons = DropReasons.from(TracepointFormat.parse(r));
        }
        String kallsyms = text("kallsyms-fixtures/with-modules.txt");
        symbols = new Symbolizer(() -> new StringReader(kallsyms),
                () -> resource("kallsyms-fixtures/with-modules.modules"));
        udpRcv = address(kallsyms, "__udp4_lib_rcv");
        nftDoChain = address(kallsyms, "nft_do_chain");
        vethXmit = address(kallsyms, "veth_xmit");
    }

    private static Reader resource(String path) {
        InputStream in = SourceFilterTest.class.getClassLoader().getResourceAsStream(path);
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    private static String text(String path) throws IOException {
        try (InputStream in = SourceFilterTest.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The fixture's own address of {@code name}. */
    private static long address(String kallsyms, String name) {
        return kallsyms.lines().map(l -> l.split("\\s+")).filter(f -> f[2].equals(name))
                .mapToLong(f -> Long.parseUnsignedLong(f[0], 16)).findFirst().orElseThrow();
    }

    @Test
    void reasonAndSymbolTermsGoToTheKernelAndCpuStaysInUserSpace() throws Exception {
        SourceFilter f = SourceFilter.parse("reason == NO_SOCKET && symbol == __udp4_lib_rcv && cpu == 1", symbols);
        KernelFilter k = f.translate(reasons);
        String location = "location >= 0x" + Long.toHexString(udpRcv) + " && location < 0x";
        assertTrue(k.tracefs().startsWith("reason == " + reasons.codeOf("NO_SOCKET") + " && " + location),
                k.tracefs());
        assertEquals("cpu == 1", k.residual().toString());
    }

    @Test
    void theResidualNamesSymbolsFromKallsymsAndTrapsFromTheSource() throws FilterException {
        SourceFilter f = SourceFilter.parse("symbol =~ nft_* || symbol == l3_drop", symbols);
        NameBook traps = new NameBook();
        for (String trap : List.of("ingress_vlan_filter", "blackhole_route", "l3_drop")) {
            traps.trapId(trap);
        }
        DropFilter d = f.compile(f.expr(), traps);
        DropEvent e = new DropEvent();
        assertTrue(d.test(e.set(0, 0, DropOrigin.SOFTWARE, nftDoChain + 4, DropSink.NO_REASON, DropSink.NO_STACK, 1)));
        assertFalse(d.test(e.set(0, 0, DropOrigin.SOFTWARE, udpRcv, DropSink.NO_REASON, DropSink.NO_STACK, 1)));
        assertTrue(d.test(e.set(0, 0, DropOrigin.HARDWARE, 2, DropSink.NO_REASON, DropSink.NO_STACK, 1)));
        assertFalse(d.test(e.set(0, 0, DropOrigin.HARDWARE, 1, DropSink.NO_REASON, DropSink.NO_STACK, 1)));
        assertNull(f.compile(null, traps), "nothing left for user space");
    }

    @Test
    void whatThisKernelLacksIsAUsageErrorWithItsColumn() throws FilterException {
        SourceException reason = assertThrows(SourceException.class,
                () -> SourceFilter.parse("cpu == 0 && reason == NO_SUCH", symbols).translate(reasons));
        assertEquals(SourceException.Kind.USAGE, reason.kind());
        assertEquals("--filter: column 23: no drop reason 'NO_SUCH' of this kernel", reason.getMessage());
        SourceException symbol = assertThrows(SourceException.class,
                () -> SourceFilter.parse("symbol =~ no_such_*", symbols).translate(reasons));
        assertEquals("--filter: column 11: no kernel symbol matches 'no_such_*'", symbol.getMessage());
    }

    @Test
    void symbolTermsWithoutKallsymsAreRefusedAtParsing() throws FilterException {
        FilterException e = assertThrows(FilterException.class,
                () -> SourceFilter.parse("reason == NO_SOCKET || !(symbol == f)", null));
        assertEquals(26, e.column());
        assertTrue(SourceFilter.parse(null, null).isNone());
    }

    /** Kernel and module functions of the fixture, neither __udp4_lib_rcv nor nft_do_chain. */
    private static final String[] OTHERS = {"veth_xmit", "veth_poll", "nft_last_eval", "br_nf_pre_routing",
        "udp_v4_early_demux", "veth_get_drvinfo"};

    /**
     * 50,000 symbols joined by ||: every name is looked up in kallsyms (they exist), the chain is
     * too long for the kernel and is tested in user space, where it keeps exactly the named ones.
     */
    @Test
    void aFiftyThousandSymbolChainIsTestedInUserSpace() throws Exception {
        SourceFilter f = SourceFilter.parse(LongFilters.chain(50_000, i -> "symbol == " + OTHERS[i % OTHERS.length],
                " || "), symbols);
        KernelFilter k = f.translate(reasons);
        assertNull(k.tracefs());
        assertSame(f.expr(), k.residual());
        DropFilter d = f.compile(k.residual(), DropNames.NONE);
        DropEvent e = new DropEvent();
        assertTrue(d.test(e.set(0, 0, DropOrigin.SOFTWARE, vethXmit + 16, DropSink.NO_REASON, DropSink.NO_STACK, 1)));
        assertFalse(d.test(e.set(0, 0, DropOrigin.SOFTWARE, udpRcv, DropSink.NO_REASON, DropSink.NO_STACK, 1)));
        assertFalse(d.test(e.set(0, 0, DropOrigin.SOFTWARE, nftDoChain, DropSink.NO_REASON, DropSink.NO_STACK, 1)));

        String chain = LongFilters.chain(5_000, i -> "symbol == " + OTHERS[i % OTHERS.length], " || ") + " || ";
        SourceException missing = assertThrows(SourceException.class,
                () -> SourceFilter.parse(chain + "symbol == nope", symbols).translate(reasons));
        assertEquals("--filter: column " + (chain.length() + "symbol == ".length() + 1)
                + ": no kernel symbol matches 'nope'", missing.getMessage(), "looked up, though the chain is too long");
    }

    /**
     * A reason and 5,000 symbols joined by &&: the kernel gets the reason and the symbol ranges
     * its page takes, user space the other symbol terms, and the two together keep what the
     * filter says.
     */
    @Test
    void aLongAndChainIsSplitAtTheKernelsPage() throws Exception {
        SourceFilter f = SourceFilter.parse("reason == NO_SOCKET && " + LongFilters.chain(5_000,
                i -> "symbol != " + OTHERS[i % OTHERS.length], " && "), symbols);
        KernelFilter k = f.translate(reasons);
        assertTrue(k.tracefs().startsWith("reason == " + reasons.codeOf("NO_SOCKET") + " && (location < 0x"),
                k.tracefs());
        assertTrue(k.tracefs().length() <= 4000, k.tracefs().length() + " characters");
        int inKernel = k.tracefs().split("location < ", -1).length - 1;
        List<Expr> rest = ((Expr.And) k.residual()).terms();
        assertEquals(5_000, inKernel + rest.size());
        DropFilter d = f.compile(k.residual(), DropNames.NONE);
        DropEvent e = new DropEvent();
        assertTrue(d.test(e.set(0, 0, DropOrigin.SOFTWARE, udpRcv, DropSink.NO_REASON, DropSink.NO_STACK, 1)));
        assertFalse(d.test(e.set(0, 0, DropOrigin.SOFTWARE, vethXmit, DropSink.NO_REASON, DropSink.NO_STACK, 1)));
    }
}
