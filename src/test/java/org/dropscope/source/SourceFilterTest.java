// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.event.ReasonNames;
import org.dropscope.filter.DropFilter;
import org.dropscope.filter.FilterException;
import org.dropscope.filter.KernelFilter;
import org.dropscope.ksym.Symbolizer;
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
    private static SourceFilter.Symbols symbols;
    private static long udpRcv;
    private static long nftDoChain;

    @BeforeAll
    static void load() throws IOException, TracefsFormatException {
        try (Reader r = resource("fixtures/tracefs/linux-6.18.44-kfree_skb.format")) {
            reasons = DropReasons.from(TracepointFormat.parse(r));
        }
        String kallsyms = text("kallsyms-fixtures/with-modules.txt");
        symbols = SourceFilter.Symbols.of(new Symbolizer(() -> new StringReader(kallsyms),
                () -> resource("kallsyms-fixtures/with-modules.modules")));
        udpRcv = address(kallsyms, "__udp4_lib_rcv");
        nftDoChain = address(kallsyms, "nft_do_chain");
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
        ReasonNames traps = code -> code == 7 ? "l3_drop" : null;
        DropFilter d = f.compile(f.expr(), ReasonNames.NONE, traps);
        DropEvent e = new DropEvent();
        assertTrue(d.test(e.set(0, 0, DropOrigin.SOFTWARE, nftDoChain + 4, DropSink.NO_REASON, DropSink.NO_STACK, 1)));
        assertFalse(d.test(e.set(0, 0, DropOrigin.SOFTWARE, udpRcv, DropSink.NO_REASON, DropSink.NO_STACK, 1)));
        assertTrue(d.test(e.set(0, 0, DropOrigin.HARDWARE, 7, DropSink.NO_REASON, DropSink.NO_STACK, 1)));
        assertNull(f.compile(null, ReasonNames.NONE, traps), "nothing left for user space");
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
}
