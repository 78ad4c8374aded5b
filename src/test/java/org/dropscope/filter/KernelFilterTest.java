// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
