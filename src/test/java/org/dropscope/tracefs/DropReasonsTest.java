// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DropReasonsTest {

    private static DropReasons reasons(String fixture) throws Exception {
        return DropReasons.from(Fixtures.parse(fixture));
    }

    private static DropReasons table(SymbolicTable.Entry... entries) throws Exception {
        return DropReasons.of(new SymbolicTable("REC->reason", List.of(entries)));
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.KFREE_6_18, Fixtures.KFREE_6_1})
    void everyReasonInTheFixtureRoundTrips(String fixture) throws Exception {
        List<Map.Entry<Integer, String>> expected = Fixtures.symbolicEntries(Fixtures.text(fixture));
        DropReasons reasons = reasons(fixture);

        assertEquals(expected.size(), reasons.listedCount());
        for (Map.Entry<Integer, String> e : expected) {
            int code = e.getKey();
            assertEquals(e.getValue(), reasons.name(code));
            assertEquals(code, reasons.codeOf(e.getValue()));
            assertEquals(code, reasons.codeOf("SKB_DROP_REASON_" + e.getValue()));
            assertTrue(reasons.isKnown(code));
            // the same instance every time: no allocation for a known code
            assertSame(reasons.name(code), reasons.name(code));
        }
    }

    @Test
    void reasonNumbersDifferBetween61And618() throws Exception {
        String text618 = Fixtures.text(Fixtures.KFREE_6_18);
        String text61 = Fixtures.text(Fixtures.KFREE_6_1);
        DropReasons r618 = reasons(Fixtures.KFREE_6_18);
        DropReasons r61 = reasons(Fixtures.KFREE_6_1);
        for (String name : List.of("NO_SOCKET", "SOCKET_RCVBUFF", "NOT_SPECIFIED")) {
            assertEquals(Fixtures.reasonCode(text618, name), r618.codeOf(name), name);
            assertEquals(Fixtures.reasonCode(text61, name), r61.codeOf(name), name);
            assertEquals(name, r618.name(Fixtures.reasonCode(text618, name)));
            assertTrue(r618.codeOf(name) != r61.codeOf(name), name + " moved between 6.1 and 6.18");
        }
    }

    @Test
    void a618TableStartingAt2ImpliesNotDroppedYetAndConsumed() throws Exception {
        String text = Fixtures.text(Fixtures.KFREE_6_18);
        assertEquals(2, Fixtures.reasonCode(text, "NOT_SPECIFIED"));
        DropReasons reasons = reasons(Fixtures.KFREE_6_18);
        assertEquals("SKB_NOT_DROPPED_YET", reasons.name(0));
        assertEquals("SKB_CONSUMED", reasons.name(1));
        assertEquals(0, reasons.codeOf("SKB_NOT_DROPPED_YET"));
        assertEquals(1, reasons.codeOf("SKB_CONSUMED"));
        assertSame(reasons.name(1), reasons.name(1));
        assertEquals(Fixtures.symbolicEntries(text).size() + 2, reasons.codes().length);
    }

    @Test
    void a61TableStartingAt1ImpliesOnlyNotDroppedYet() throws Exception {
        String text = Fixtures.text(Fixtures.KFREE_6_1);
        assertEquals(1, Fixtures.reasonCode(text, "NOT_SPECIFIED"));
        DropReasons reasons = reasons(Fixtures.KFREE_6_1);
        assertEquals("SKB_NOT_DROPPED_YET", reasons.name(0));
        assertEquals("NOT_SPECIFIED", reasons.name(1));
        assertEquals(-1, reasons.codeOf("SKB_CONSUMED"));
    }

    @Test
    void aTableStartingAt0ImpliesNothing() throws Exception {
        // Linux 5.17's enum began with NOT_SPECIFIED = 0
        DropReasons reasons = table(new SymbolicTable.Entry(0, "NOT_SPECIFIED"),
                new SymbolicTable.Entry(1, "NO_SOCKET"), new SymbolicTable.Entry(2, "MAX"));
        assertEquals("NOT_SPECIFIED", reasons.name(0));
        assertEquals(-1, reasons.codeOf("SKB_NOT_DROPPED_YET"));
        assertArrayEquals(new int[] {0, 1, 2}, reasons.codes());
    }

    @Test
    void aTableNotStartingWithNotSpecifiedImpliesNothing() throws Exception {
        DropReasons reasons = table(new SymbolicTable.Entry(2, "NO_SOCKET"),
                new SymbolicTable.Entry(3, "NOT_SPECIFIED"));
        assertEquals("reason#0", reasons.name(0));
        assertEquals("reason#1", reasons.name(1));
        assertFalse(reasons.isKnown(1));
        DropReasons tooHigh = table(new SymbolicTable.Entry(3, "NOT_SPECIFIED"));
        assertEquals("reason#0", tooHigh.name(0));
    }

    @Test
    void unknownCodesGetStableFallbackNames() throws Exception {
        DropReasons reasons = reasons(Fixtures.KFREE_6_18);
        int max = Fixtures.symbolicEntries(Fixtures.text(Fixtures.KFREE_6_18)).stream()
                .mapToInt(Map.Entry::getKey).max().orElseThrow();
        assertEquals("reason#" + (max + 1), reasons.name(max + 1));
        assertEquals(reasons.name(max + 1), reasons.name(max + 1));
        assertEquals("reason#65535", reasons.name(0xffff));
        assertEquals(-1, reasons.codeOf("NO_SUCH_REASON"));
    }

    @Test
    void subsystemCodesShowTheSubsystemAndTheLow16Bits() throws Exception {
        DropReasons reasons = reasons(Fixtures.KFREE_6_18);
        assertEquals("SUBSYS_3:0x5", reasons.name((3 << DropReasons.SUBSYS_SHIFT) | 5));
        assertEquals("SUBSYS_1:0x0", reasons.name(1 << 16));
        assertEquals("SUBSYS_65535:0xffff", reasons.name(-1));
        assertEquals("SUBSYS_2:0x1f", DropReasons.none().name(0x2001f));
    }

    @Test
    void aKernelWithoutReasonsGetsNone() throws Exception {
        DropReasons reasons = reasons(Fixtures.KFREE_5_10);
        assertSame(DropReasons.none(), reasons);
        assertEquals(0, reasons.listedCount());
        assertEquals("reason#2", reasons.name(2));
        assertEquals(-1, reasons.codeOf("NOT_SPECIFIED"));
        assertArrayEquals(new int[0], reasons.codes());
    }

    @Test
    void aReasonFieldWithoutTableIsAnError() throws Exception {
        String text = Fixtures.text(Fixtures.KFREE_6_1);
        String cut = text.substring(0, text.indexOf(", __print_symbolic(")) + "\n";
        TracefsFormatException e = assertThrows(TracefsFormatException.class,
                () -> DropReasons.from(Fixtures.parseText(cut)));
        assertTrue(e.getMessage().contains("no __print_symbolic(REC->reason, ...) table"), e.getMessage());
    }

    @Test
    void impossibleTablesAreRejected() {
        TracefsFormatException big = assertThrows(TracefsFormatException.class,
                () -> table(new SymbolicTable.Entry(70000, "X")));
        assertTrue(big.getMessage().startsWith("drop reason X = 70000 (expected: 0..65535"),
                big.getMessage());
        TracefsFormatException dupValue = assertThrows(TracefsFormatException.class,
                () -> table(new SymbolicTable.Entry(2, "A"), new SymbolicTable.Entry(2, "B")));
        assertEquals("drop reason value 2 appears twice (A, B)", dupValue.getMessage());
        TracefsFormatException dupName = assertThrows(TracefsFormatException.class,
                () -> table(new SymbolicTable.Entry(2, "A"), new SymbolicTable.Entry(3, "A")));
        assertEquals("drop reason A appears twice (2, 3)", dupName.getMessage());
    }
}
