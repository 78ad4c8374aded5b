// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterParserTest {
    @Test
    void andBindsTighterThanOr() throws FilterException {
        Expr e = FilterParser.parse("reason == NO_SOCKET && symbol =~ udp_* || cpu in {0,1}");
        Expr.Or or = assertInstanceOf(Expr.Or.class, e);
        assertEquals(2, or.terms().size());
        assertInstanceOf(Expr.And.class, or.terms().get(0));
        Expr.Compare cpu = assertInstanceOf(Expr.Compare.class, or.terms().get(1));
        assertEquals(Field.CPU, cpu.field());
        assertEquals(Op.IN, cpu.op());
        assertEquals(2, cpu.values().size());
        assertEquals("reason == NO_SOCKET && symbol =~ udp_* || cpu in {0, 1}", e.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "reason==3 => reason == 3",
        "protocol == 0x0800 => protocol == 0x0800",
        "protocol == ipv6 || protocol == ETH_P_ARP => protocol == 0x86dd || protocol == 0x0806",
        "!(cpu >= 2) && ifindex != 1 => !(cpu >= 2) && ifindex != 1",
        "!(reason == NO_SOCKET || reason == SOCKET_RCVBUFF) => !(reason == NO_SOCKET || reason == SOCKET_RCVBUFF)",
        "(cpu == 0 || cpu == 1) && symbol == ip_rcv_finish_core.isra.0 => (cpu == 0 || cpu == 1) && symbol == ip_rcv_finish_core.isra.0",
        "symbol == \"odd name\" => symbol == \"odd name\"",
        "symbol !~ tcp_* && reason !~ TCP_* => symbol !~ tcp_* && reason !~ TCP_*",
        "!!(cpu < 1) => !!(cpu < 1)",
    })
    void parsesAndPrintsCanonically(String filter, String canonical) throws FilterException {
        assertEquals(canonical, FilterParser.parse(filter).toString());
        assertEquals(canonical, FilterParser.parse(canonical).toString(), "the canonical form parses to itself");
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "'' => column 1: empty filter (expected: a comparison such as reason == NO_SOCKET)",
        "reason == => column 10: expected a value after '==', found the end",
        "reason == NO_SOCKET && => column 23: expected a field (reason, symbol, protocol, cpu, ifindex), '!' or '(', found the end",
        "reasn == 3 => column 1: expected a field (reason, symbol, protocol, cpu, ifindex), '!' or '(', found 'reasn'",
        "cpu =~ 1* => column 5: 'cpu' does not take '=~' (expected: ==, !=, <, <=, >, >=, in)",
        "reason < 3 => column 8: 'reason' does not take '<' (expected: ==, !=, =~, !~, in)",
        "cpu == zero => column 8: expected a number for 'cpu', found 'zero'",
        "protocol == ipx => column 13: unknown protocol 'ipx' (expected: a number such as 0x0800, or ipv4, ip, arp, 8021q, ipv6, mpls_uc, ppp_ses, 8021ad, lldp)",
        "cpu in {0, 1 => column 13: expected ',' or '}', found the end",
        "cpu in 0 => column 8: expected '{' after 'in', found '0'",
        "(cpu == 0 => column 10: expected ')', found the end",
        "cpu == 0 cpu == 1 => column 10: expected '&&', '||' or the end, found 'cpu'",
        "symbol == 42 => column 11: expected a symbol name, found the number 42",
        "reason =~ 3 => column 11: expected a name or glob after '=~', found a number",
        "cpu == 0x => column 8: malformed number '0x' (expected: decimal, or hexadecimal after 0x)",
        "cpu == 1 # x => column 10: unexpected character '#'",
        "symbol == \"abc => column 11: string not closed (expected: a closing '\"')",
        "reason NO_SOCKET => column 8: expected an operator after 'reason' (==, !=, =~, !~, <, <=, >, >=, in), found 'NO_SOCKET'",
    })
    void errorsNameTheColumnAndWhatWasExpected(String filter, String message) {
        FilterException e = assertThrows(FilterException.class, () -> FilterParser.parse(filter));
        assertEquals(message, e.getMessage());
        assertEquals(Integer.parseInt(message.substring(7, message.indexOf(':'))), e.column());
    }

    @Test
    void longChainsOfOrAndAndAreOneNodeEach() throws FilterException {
        String or = LongFilters.chain(50_000, i -> "symbol == f" + i, " || ");
        Expr.Or o = assertInstanceOf(Expr.Or.class, FilterParser.parse(or));
        assertEquals(50_000, o.terms().size());
        Expr.Compare last = assertInstanceOf(Expr.Compare.class, o.terms().get(49_999));
        assertEquals("f49999", last.value().text());
        assertEquals(or.lastIndexOf("symbol") + 1, last.column());
        assertEquals(or, o.toString());

        String and = LongFilters.chain(50_000, i -> "cpu != " + i, " && ");
        Expr.And a = assertInstanceOf(Expr.And.class, FilterParser.parse(and));
        assertEquals(50_000, a.terms().size());
        assertEquals(and, a.toString());

        String mixed = LongFilters.chain(5_000, i -> "cpu == " + i + " && ifindex != " + i, " || ");
        Expr.Or m = assertInstanceOf(Expr.Or.class, FilterParser.parse(mixed));
        assertEquals(5_000, m.terms().size());
        assertEquals(2, assertInstanceOf(Expr.And.class, m.terms().get(4_999)).terms().size());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "cpu == 0 || (cpu == 1 || cpu == 2) => 3 => cpu == 0 || cpu == 1 || cpu == 2",
        "(cpu == 0 && cpu == 1) && cpu == 2 => 3 => cpu == 0 && cpu == 1 && cpu == 2",
        "(cpu == 0 || cpu == 1) && cpu == 2 => 2 => (cpu == 0 || cpu == 1) && cpu == 2",
        "((((cpu == 0)))) || ((cpu == 1)) => 2 => cpu == 0 || cpu == 1",
    })
    void parenthesesAroundAChainOfTheSameOperatorJoinIt(String filter, int terms, String canonical)
            throws FilterException {
        Expr e = FilterParser.parse(filter);
        assertEquals(terms, e instanceof Expr.Or o ? o.terms().size() : ((Expr.And) e).terms().size());
        assertEquals(canonical, e.toString());
    }

    @Test
    void nestingUpToTheLimitParses() throws FilterException {
        assertEquals("cpu == 1", FilterParser.parse(LongFilters.nested(FilterParser.MAX_DEPTH, "(", "cpu == 1", ")"))
                .toString());
        Expr e = FilterParser.parse(LongFilters.nested(FilterParser.MAX_DEPTH / 2, "!(", "cpu == 1 || cpu == 2", ")"));
        int nots = 0;
        while (e instanceof Expr.Not n) {
            nots++;
            e = n.operand();
        }
        assertEquals(FilterParser.MAX_DEPTH / 2, nots);
        assertEquals("cpu == 1 || cpu == 2", e.toString());
    }

    /** 3,000 parentheses, 3,000 '!', and nesting that passes the limit after a long chain. */
    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "3000 ( => 0 => 257",
        "3000 ! => 0 => 257",
        "1500 !( => 0 => 257",
        "257 ( => 0 => 257",
        "3000 ( => 2000 => 29147",
    })
    void nestingPastTheLimitIsRefusedAtItsColumn(String shape, int chained, int column) {
        String[] s = shape.split(" ");
        String close = s[1].contains("(") ? ")" : "";
        String prefix = chained == 0 ? "" : LongFilters.chain(chained, i -> "cpu == " + i, " || ") + " || ";
        String filter = prefix + LongFilters.nested(Integer.parseInt(s[0]), s[1], "cpu == 1", close);
        FilterException e = assertThrows(FilterException.class, () -> FilterParser.parse(filter));
        assertEquals("column " + column + ": " + LongFilters.TOO_DEEP, e.getMessage());
        assertEquals(column, e.column());
        assertEquals(prefix.length() + FilterParser.MAX_DEPTH + 1, column, "the first token past the limit");
    }
}
