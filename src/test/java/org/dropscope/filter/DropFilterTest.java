// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.DropNames;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DropFilterTest {
    private static final long UDP = 0xffffffff82046f4cL;
    private static final long TCP = 0xffffffff81f00010L;
    private static final long UNKNOWN = 0xffffffffc0000000L;

    /** 3 NO_SOCKET, 6 SOCKET_RCVBUFF; two symbols; trap 0 is ingress_vlan_filter. */
    private static final DropNames NAMES = new DropNames() {
        @Override
        public String reason(int code) {
            return code == 3 ? "NO_SOCKET" : code == 6 ? "SOCKET_RCVBUFF" : null;
        }

        @Override
        public String symbol(long pc) {
            return pc == UDP ? "__udp4_lib_rcv" : pc == TCP ? "tcp_v4_rcv" : null;
        }

        @Override
        public String trap(int id) {
            return id == 0 ? "ingress_vlan_filter" : null;
        }
    };

    private static DropEvent event(int cpu, long location, int reason, int protocol, int ifindex) {
        return new DropEvent().set(0, cpu, DropOrigin.SOFTWARE, location, reason, DropSink.NO_STACK, 1)
                .packet(protocol, ifindex, 0);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "reason == NO_SOCKET => true",
        "reason == no_socket => true",
        "reason == SKB_DROP_REASON_NO_SOCKET => true",
        "reason == 3 => true",
        "reason != NO_SOCKET => false",
        "reason =~ SOCKET_* => false",
        "reason =~ *SOCKET => true",
        "reason in {SOCKET_RCVBUFF, NO_SOCKET} => true",
        "symbol == __udp4_lib_rcv => true",
        "symbol == __UDP4_LIB_RCV => false",
        "symbol =~ __udp?_* => true",
        "symbol !~ udp* => true",
        "symbol in {tcp_v4_rcv, __udp4_lib_rcv} => true",
        "protocol == ipv4 && cpu == 1 => true",
        "protocol == 0x86dd || cpu in {0, 2} => false",
        "cpu > 0 && cpu <= 1 && !(cpu < 1) => true",
        "ifindex == 7 => true",
        "ifindex >= 8 => false",
        "reason == NO_SOCKET && symbol =~ udp_* || cpu in {0,1} => true",
        "reason == NO_SOCKET && symbol =~ udp_* || cpu in {0,2} => false",
    })
    void evaluatesAgainstOneEvent(String filter, boolean expected) throws FilterException {
        DropFilter f = DropFilter.compile(FilterParser.parse(filter), NAMES);
        assertEquals(expected, f.test(event(1, UDP, 3, 0x0800, 7)));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "reason == NO_SOCKET => false",
        "reason != NO_SOCKET => true",
        "reason =~ * => false",
        "symbol =~ * => false",
        "symbol != tcp_v4_rcv => true",
        "protocol == 0 => true",
        "ifindex == 0 => true",
    })
    void namesAnEventDoesNotHaveCompareFalseAndTheirNegationsTrue(String filter, boolean expected)
            throws FilterException {
        DropFilter f = DropFilter.compile(FilterParser.parse(filter), NAMES);
        assertEquals(expected, f.test(event(0, UNKNOWN, DropSink.NO_REASON, 0, 0)));
    }

    @Test
    void hardwareDropsMatchTheirTrapNameAsSymbol() throws FilterException {
        DropFilter f = DropFilter.compile(FilterParser.parse("symbol =~ ingress_*"), NAMES);
        assertEquals(true, f.test(new DropEvent().set(0, 0, DropOrigin.HARDWARE, 0, DropSink.NO_REASON,
                DropSink.NO_STACK, 5)));
        assertEquals(false, f.test(event(0, 0, DropSink.NO_REASON, 0, 0)), "software location 0 is not the trap");
    }

    @Test
    void namesAreLookedUpOncePerRunOfEqualValues() throws FilterException {
        AtomicInteger lookups = new AtomicInteger();
        DropNames counting = new DropNames() {
            @Override
            public String reason(int code) {
                lookups.incrementAndGet();
                return NAMES.reason(code);
            }

            @Override
            public String symbol(long pc) {
                lookups.incrementAndGet();
                return NAMES.symbol(pc);
            }
        };
        DropFilter f = DropFilter.compile(FilterParser.parse("reason == NO_SOCKET && symbol =~ *udp*"), counting);
        DropEvent udp = event(0, UDP, 3, 0, 0);
        DropEvent tcp = event(0, TCP, 6, 0, 0);
        for (int i = 0; i < 100; i++) {
            f.test(udp);
        }
        assertEquals(2, lookups.get());
        f.test(tcp);
        assertEquals(3, lookups.get(), "the reason no longer matches; the symbol is not asked");
    }

    /** 3,000 and 50,000 symbols joined by ||: the named one anywhere in the chain passes, no other. */
    @ParameterizedTest
    @CsvSource({"3000", "50000"})
    void longOrChainsOfSymbolsEvaluate(int n) throws FilterException {
        String chain = LongFilters.chain(n, i -> "symbol == f" + i, " || ");
        DropFilter last = DropFilter.compile(FilterParser.parse(chain + " || symbol == __udp4_lib_rcv"), NAMES);
        assertEquals(true, last.test(event(1, UDP, 3, 0x0800, 7)));
        assertEquals(false, last.test(event(1, TCP, 3, 0x0800, 7)));
        DropFilter first = DropFilter.compile(FilterParser.parse("symbol == tcp_v4_rcv || " + chain), NAMES);
        assertEquals(true, first.test(event(1, TCP, 3, 0x0800, 7)));
        assertEquals(false, first.test(event(1, UDP, 3, 0x0800, 7)));
        assertEquals(false, first.test(event(1, UNKNOWN, 3, 0x0800, 7)));
    }

    /** 5,000 and 50,000 terms joined by &&: true only when every one is. */
    @ParameterizedTest
    @CsvSource({"5000", "50000"})
    void longAndChainsEvaluate(int n) throws FilterException {
        DropFilter f = DropFilter.compile(FilterParser.parse(
                LongFilters.chain(n, i -> "cpu != " + (i + 2), " && ") + " && reason == NO_SOCKET"), NAMES);
        assertEquals(true, f.test(event(1, UDP, 3, 0x0800, 7)));
        assertEquals(false, f.test(event(1, UDP, 6, 0x0800, 7)), "the last term is false");
        assertEquals(false, f.test(event(n + 1, UDP, 3, 0x0800, 7)), "the last cpu term is false");
        assertEquals(false, f.test(event(2, UDP, 3, 0x0800, 7)), "the first term is false");
    }

    /**
     * {@code !(cpu == 0 || !(cpu == 1 || ... !(cpu == k)))} at the deepest nesting the parser
     * takes: cpu c passes when the number of '!' around its term is even, and a cpu named by no
     * term (false innermost) when the number of '!' in all is odd.
     */
    @Test
    void theDeepestNestingEvaluates() throws FilterException {
        int levels = FilterParser.MAX_DEPTH / 2;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < levels; i++) {
            sb.append("!(cpu == ").append(i).append(" || ");
        }
        sb.append("cpu == ").append(levels).append(")".repeat(levels));
        DropFilter f = DropFilter.compile(FilterParser.parse(sb.toString()), NAMES);
        for (int cpu = 0; cpu <= levels + 1; cpu++) {
            int nots = Math.min(cpu + 1, levels);
            boolean expected = cpu > levels ? levels % 2 == 1 : nots % 2 == 0;
            assertEquals(expected, f.test(event(cpu, UDP, 3, 0x0800, 7)), "cpu " + cpu);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "cpu == 1 || symbol == a || cpu in {2, 3} || cpu > 7 || symbol == b => true => cpu in {1, 2, 3} # symbol in {a, b} # cpu > 7",
        "symbol != a && cpu == 1 && symbol != b && reason != X => false => !(symbol in {a, b}) # cpu == 1 # reason != X",
        "cpu == 1 || cpu != 2 || symbol =~ a* => true => cpu == 1 # cpu != 2 # symbol =~ a*",
    })
    void equalityTestsOfOneFieldInAChainBecomeOneSet(String filter, boolean or, String terms) throws FilterException {
        Expr e = FilterParser.parse(filter);
        List<Expr> chain = or ? ((Expr.Or) e).terms() : ((Expr.And) e).terms();
        assertEquals(terms, DropFilter.merged(chain, or).stream().map(Expr::toString).collect(Collectors.joining(" # ")));
    }

    /** The merged sets keep the meaning of the terms, on events with names and without. */
    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "symbol == tcp_v4_rcv || cpu == 5 || symbol == __udp4_lib_rcv || cpu == 1 => true => false",
        "symbol == tcp_v4_rcv || symbol == nope || reason == SOCKET_RCVBUFF || reason == no_socket => true => false",
        "symbol != tcp_v4_rcv && symbol != nope && reason != SOCKET_RCVBUFF => true => true",
        "symbol != __udp4_lib_rcv && symbol != nope => false => true",
        "cpu != 0 && cpu != 2 && protocol != 0x86dd && protocol != arp => true => false",
        "reason == 6 || reason == 3 || ifindex == 9 => true => false",
    })
    void mergedChainsMeanWhatTheirTermsSay(String filter, boolean udp, boolean unknown) throws FilterException {
        DropFilter f = DropFilter.compile(FilterParser.parse(filter), NAMES);
        assertEquals(udp, f.test(event(1, UDP, 3, 0x0800, 7)), "udp event");
        assertEquals(unknown, f.test(event(0, UNKNOWN, DropSink.NO_REASON, 0, 0)), "event without names");
    }

    @Test
    void longChainsTestWithoutAllocating() throws FilterException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        DropFilter f = DropFilter.compile(FilterParser.parse(LongFilters.chain(50_000, i -> "symbol == f" + i, " || ")
                + " || symbol == __udp4_lib_rcv || " + LongFilters.chain(500, i -> "(cpu == " + i + " && reason =~ "
                + "SOCKET_*)", " || ") + " || !(" + LongFilters.chain(5_000, i -> "protocol != " + i, " && ") + ")"),
                NAMES);
        DropEvent[] events = {event(1, UDP, 3, 0x0800, 7), event(1, TCP, 6, 0x86dd, 7), event(6000, TCP, 6, 0x800, 7),
            event(0, UNKNOWN, DropSink.NO_REASON, 10_000, 0)};
        boolean[] expected = {true, true, true, false};
        for (int i = 0; i < 200; i++) {
            f.test(events[i % events.length]);
        }
        int kept = 0;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20_000; i++) {
            kept += f.test(events[i % events.length]) ? 1 : 0;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 8192, allocated + " bytes allocated over 20,000 tests");
        assertEquals(15_000, kept);
        for (int i = 0; i < events.length; i++) {
            assertEquals(expected[i], f.test(events[i]), "event " + i);
        }
    }

    /**
     * 256 levels alternating || and && (so that no level joins the one around it) parse, compile
     * and evaluate on a thread with a 256 KiB stack, a quarter of Java's default: the depth the
     * limit allows is far from any stack's end. Only cpu 0 passes.
     */
    @Test
    void theDeepestNestingFitsInASmallStack() throws InterruptedException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < FilterParser.MAX_DEPTH; i++) {
            sb.append("cpu == ").append(i).append(i % 2 == 0 ? " || (" : " && (");
        }
        sb.append("cpu == 999").append(")".repeat(FilterParser.MAX_DEPTH));
        List<Object> answers = new ArrayList<>();
        Thread t = new Thread(null, () -> {
            try {
                DropFilter f = DropFilter.compile(FilterParser.parse(sb.toString()), NAMES);
                for (int cpu : new int[] {0, 1, 2, 255, 999}) {
                    answers.add(f.test(event(cpu, UDP, 3, 0x0800, 7)));
                }
            } catch (FilterException | StackOverflowError e) {
                answers.add(e);
            }
        }, "small-stack", 256 * 1024);
        t.start();
        t.join();
        assertEquals(List.of(true, false, false, false, false), answers);
    }
}
