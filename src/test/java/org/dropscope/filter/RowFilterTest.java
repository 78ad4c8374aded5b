// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RowFilterTest {
    private static boolean test(String expr, String symbol, String reason) throws FilterException {
        return RowFilter.compile(FilterParser.parse(expr)).test(symbol, reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', nullValues = "null", value = {
        "reason == NO_SOCKET#__udp4_lib_rcv#NO_SOCKET#true",
        "reason == skb_drop_reason_no_socket#__udp4_lib_rcv#NO_SOCKET#true",
        "reason == NO_SOCKET#__udp4_lib_rcv#null#false",
        "reason != NO_SOCKET#__udp4_lib_rcv#null#true",
        "reason =~ SOCKET_*#udp_queue_rcv_one_skb#SOCKET_RCVBUFF#true",
        "reason !~ SOCKET_*#udp_queue_rcv_one_skb#SOCKET_RCVBUFF#false",
        "symbol == __udp4_lib_rcv#__UDP4_LIB_RCV#NO_SOCKET#false",
        "symbol =~ udp_*#udp_queue_rcv_one_skb#SOCKET_RCVBUFF#true",
        "symbol in {tcp_v4_rcv, __udp4_lib_rcv} && !(reason == TCP_CSUM)#__udp4_lib_rcv#NO_SOCKET#true",
        "symbol == a || reason in {NO_SOCKET, OTHERHOST}#b#OTHERHOST#true"})
    void rowsAreTestedByTheirNamesAsEventsAre(String expr, String symbol, String reason, boolean expected)
            throws FilterException {
        assertEquals(expected, test(expr, symbol, reason));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "cpu == 1|column 1: 'cpu' is not a property",
        "reason == NO_SOCKET && protocol == ipv4|column 24: 'protocol' is not a property",
        "!(ifindex > 1)|column 3: 'ifindex' is not a property"})
    void termsARowCannotAnswerAreRefusedWithTheirColumn(String expr, String start) {
        FilterException e = assertThrows(FilterException.class, () -> test(expr, "f", "NO_SOCKET"));
        assertEquals(start, e.getMessage().substring(0, start.length()), e.getMessage());
    }

    /** top's '/' key with what a script would type: 50,000 terms of || or of &&. */
    @Test
    void longChainsTestRows() throws FilterException {
        String or = LongFilters.chain(50_000, i -> "symbol == f" + i, " || ") + " || reason == NO_SOCKET";
        assertTrue(test(or, "f49999", null));
        assertTrue(test(or, "g", "NO_SOCKET"));
        assertFalse(test(or, "g", "OTHERHOST"));
        String and = LongFilters.chain(50_000, i -> "symbol != f" + i, " && ") + " && reason =~ SOCKET_*";
        assertTrue(test(and, "g", "SOCKET_RCVBUFF"));
        assertFalse(test(and, "f25000", "SOCKET_RCVBUFF"));
        assertFalse(test(and, "g", "NO_SOCKET"));
    }

    @Test
    void nestingIsLimitedAsEverywhere() throws FilterException {
        String deep = LongFilters.nested(FilterParser.MAX_DEPTH, "!", "(symbol == f)", "");
        FilterException e = assertThrows(FilterException.class, () -> test(deep, "f", null));
        assertEquals("column 257: " + LongFilters.TOO_DEEP, e.getMessage());
        String limit = LongFilters.nested(FilterParser.MAX_DEPTH - 1, "!", "(symbol == f)", "");
        assertFalse(test(limit, "f", null), "255 negations of true");
        assertTrue(test(limit, "g", null));
    }
}
