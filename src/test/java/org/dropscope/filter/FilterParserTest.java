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
        assertInstanceOf(Expr.And.class, or.left());
        Expr.Compare cpu = assertInstanceOf(Expr.Compare.class, or.right());
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
}
