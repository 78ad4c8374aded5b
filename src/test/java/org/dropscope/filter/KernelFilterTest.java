// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dropscope.tracefs.DropReasons;
import org.dropscope.tracefs.TracefsFormatException;
import org.dropscope.tracefs.TracepointFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KernelFilterTest {
    private static DropReasons linux618;
    private static DropReasons debian61;

    /** Two symbols: __udp4_lib_rcv and udp_queue_rcv_one_skb. */
    private static final KernelFilter.SymbolRanges SYMBOLS = (pattern, glob) -> {
        List<long[]> r = new ArrayList<>();
        if (glob ? Glob.matches(pattern, "__udp4_lib_rcv") : pattern.equals("__udp4_lib_rcv")) {
            r.add(new long[] {0xffffffff82046a90L, 0xffffffff82047a90L});
        }
        if (glob ? Glob.matches(pattern, "udp_queue_rcv_one_skb") : pattern.equals("udp_queue_rcv_one_skb")) {
            r.add(new long[] {0xffffffff82045000L, 0xffffffff82045400L});
        }
        return r;
    };

    @BeforeAll
    static void reasons() throws IOException, TracefsFormatException {
        linux618 = DropReasons.from(format("linux-6.18.44-kfree_skb.format"));
        debian61 = DropReasons.from(format("debian-6.1.0-56-amd64-kfree_skb.format"));
    }

    private static TracepointFormat format(String name) throws IOException {
        try (Reader r = new InputStreamReader(KernelFilterTest.class.getResourceAsStream("/fixtures/tracefs/" + name),
                StandardCharsets.UTF_8)) {
            return TracepointFormat.parse(r);
        }
    }

    private static KernelFilter translate(String filter, DropReasons reasons) throws FilterException {
        return KernelFilter.translate(FilterParser.parse(filter), reasons, SYMBOLS);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "reason == NO_SOCKET && protocol == 0x0800 => reason == 3 && protocol == 0x800",
        "reason in {NO_SOCKET, SOCKET_RCVBUFF} => (reason == 3 || reason == 6)",
        "reason =~ SOCKET_* => (reason == 4 || reason == 5 || reason == 6 || reason == 29)",
        "reason !~ SOCKET_* => reason != 4 && reason != 5 && reason != 6 && reason != 29",
        "!(reason == NO_SOCKET || protocol < ipv6) => reason != 3 && protocol >= 0x86dd",
        "reason == 3 || reason == TCP_CSUM => (reason == 3 || reason == 10)",
        "symbol == __udp4_lib_rcv => location >= 0xffffffff82046a90 && location < 0xffffffff82047a90",
        "symbol =~ *udp* => ((location >= 0xffffffff82046a90 && location < 0xffffffff82047a90) || (location >= 0xffffffff82045000 && location < 0xffffffff82045400))",
        "symbol != __udp4_lib_rcv => (location < 0xffffffff82046a90 || location >= 0xffffffff82047a90)",
    })
    void translatesWhatTheKernelCanEvaluate(String filter, String kernel) throws FilterException {
        KernelFilter k = translate(filter, linux618);
        assertEquals(kernel, k.tracefs());
        assertNull(k.residual());
    }

    @Test
    void reasonNumbersComeFromTheRunningKernelsFormat() throws FilterException {
        assertEquals("reason == 2", translate("reason == NO_SOCKET", debian61).tracefs(), "6.1 numbers it 2");
        assertEquals("reason == 3", translate("reason == NO_SOCKET", linux618).tracefs(), "6.18 numbers it 3");
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "reason == NO_SOCKET && symbol =~ udp_* || cpu in {0,1} => <none> => reason == NO_SOCKET && symbol =~ udp_* || cpu in {0, 1}",
        "reason == NO_SOCKET && cpu in {0,1} => reason == 3 => cpu in {0, 1}",
        "cpu == 0 && protocol == ipv4 && ifindex == 2 => protocol == 0x800 => cpu == 0 && ifindex == 2",
        "(reason == NO_SOCKET || cpu == 1) && protocol == arp => protocol == 0x806 => reason == NO_SOCKET || cpu == 1",
    })
    void leavesTheRestToUserSpace(String filter, String kernel, String residual) throws FilterException {
        KernelFilter k = translate(filter, linux618);
        assertEquals(kernel.equals("<none>") ? null : kernel, k.tracefs());
        assertEquals(residual, k.residual().toString());
    }

    @Test
    void symbolsStayInUserSpaceWithoutASymbolTableOrWhenTheyAreTooMany() throws FilterException {
        KernelFilter none = KernelFilter.translate(FilterParser.parse("symbol == __udp4_lib_rcv && reason == 3"),
                linux618, null);
        assertEquals("reason == 3", none.tracefs());
        assertEquals("symbol == __udp4_lib_rcv", none.residual().toString());
        KernelFilter.SymbolRanges many = (p, g) -> {
            List<long[]> r = new ArrayList<>();
            for (int i = 0; i <= KernelFilter.MAX_RANGES; i++) {
                r.add(new long[] {i * 16L, i * 16L + 8});
            }
            return r;
        };
        KernelFilter k = KernelFilter.translate(FilterParser.parse("symbol =~ tcp_*"), linux618, many);
        assertNull(k.tracefs());
    }

    @Test
    void namesThisKernelLacksAreErrorsAtTheirColumn() {
        FilterException e = assertThrows(FilterException.class, () -> translate("cpu == 0 && reason == NO_SUCH", linux618));
        assertEquals("column 23: no drop reason 'NO_SUCH' of this kernel", e.getMessage());
        e = assertThrows(FilterException.class, () -> translate("reason =~ QUIC_*", linux618));
        assertEquals("column 11: 'QUIC_*' matches no drop reason of this kernel", e.getMessage());
        e = assertThrows(FilterException.class, () -> translate("symbol == nope", linux618));
        assertEquals("column 11: no kernel symbol matches 'nope'", e.getMessage());
        e = assertThrows(FilterException.class, () -> translate("reason == 3", DropReasons.none()));
        assertEquals("column 1: this kernel's skb:kfree_skb has no drop reasons (Linux 5.17+)", e.getMessage());
    }

    /** 50,000 reason names joined by ||: one term, too long for the kernel, so all of it in user space. */
    @Test
    void anOrChainTooLongForTheKernelStaysInUserSpaceWhole() throws FilterException {
        List<String> names = new ArrayList<>();
        for (int code : linux618.codes()) {
            names.add(linux618.name(code));
        }
        Expr chain = FilterParser.parse(LongFilters.chain(50_000, i -> "reason == " + names.get(i % names.size()),
                " || "));
        KernelFilter k = KernelFilter.translate(chain, linux618, SYMBOLS);
        assertNull(k.tracefs());
        assertSame(chain, k.residual());

        KernelFilter symbols = translate(LongFilters.chain(3_000, i -> "symbol == " + (i % 2 == 0 ? "__udp4_lib_rcv"
                : "udp_queue_rcv_one_skb"), " || "), linux618);
        assertNull(symbols.tracefs());
        assertEquals(3_000, ((Expr.Or) symbols.residual()).terms().size());

        assertEquals("(reason == 3 || reason == 6 || reason == 3)",
                translate("reason == NO_SOCKET || reason == SOCKET_RCVBUFF || reason == 3", linux618).tracefs(),
                "a short chain goes to the kernel");
    }

    /**
     * 5,000 and 50,000 terms joined by &&: the kernel gets the first ones, as many as its page
     * takes, user space the rest, in order.
     */
    @ParameterizedTest
    @CsvSource({"5000", "50000"})
    void anAndChainFillsTheKernelsPageAndLeavesTheRestToUserSpace(int n) throws FilterException {
        KernelFilter k = translate(LongFilters.chain(n, i -> "protocol != " + i, " && "), linux618);
        StringBuilder expected = new StringBuilder();
        int fit = 0;
        while (expected.length() + (fit == 0 ? 0 : 4) + ("protocol != 0x" + Integer.toHexString(fit)).length()
                <= KernelFilter.MAX_LENGTH) {
            expected.append(fit == 0 ? "" : " && ").append("protocol != 0x").append(Integer.toHexString(fit));
            fit++;
        }
        assertEquals(expected.toString(), k.tracefs());
        assertTrue(k.tracefs().length() <= KernelFilter.MAX_LENGTH);
        List<Expr> rest = ((Expr.And) k.residual()).terms();
        assertEquals(n - fit, rest.size());
        assertEquals(String.format("protocol != 0x%04x", fit), rest.get(0).toString());
        assertEquals(String.format("protocol != 0x%04x", n - 1), rest.get(rest.size() - 1).toString());

        KernelFilter cpus = translate("reason == NO_SOCKET && " + LongFilters.chain(n, i -> "cpu != " + i, " && "),
                linux618);
        assertEquals("reason == 3", cpus.tracefs());
        assertEquals(n, ((Expr.And) cpus.residual()).terms().size());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "256 ( => reason == 3",
        "128 !( => (reason == 3 || protocol < 0x86dd)",
        "127 !( => reason != 3 && protocol >= 0x86dd",
    })
    void theDeepestNestingTranslates(String shape, String kernel) throws FilterException {
        String[] s = shape.split(" ");
        String inner = s[1].equals("(") ? "reason == NO_SOCKET" : "reason == NO_SOCKET || protocol < ipv6";
        KernelFilter k = translate(LongFilters.nested(Integer.parseInt(s[0]), s[1], inner, ")"), linux618);
        assertEquals(kernel, k.tracefs());
        assertNull(k.residual());
    }
}
