// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The captured Linux 6.18 x86_64 kallsyms; expectations come from the file's own lines. */
class RealSnapshotTest {
    private static final String SNAPSHOT = "linux-6.18-x86_64.kallsyms.gz";
    private static final long CAP = KallsymsParser.DEFAULT_MAX_SYMBOL_SIZE;

    private static String text;
    private static List<Fixtures.Line> lines;
    private static SymbolTable table;
    /** Every distinct non-zero address (text or data), keyed with the sign bit flipped. */
    private static TreeMap<Long, Fixtures.Line> byAddress;
    private static Map<Long, List<String>> textNamesAt;

    @BeforeAll
    static void load() throws IOException {
        text = Fixtures.text(SNAPSHOT);
        lines = Fixtures.lines(text.split("\n"));
        table = KallsymsParser.parse(new StringReader(text));
        byAddress = new TreeMap<>();
        textNamesAt = new HashMap<>();
        for (Fixtures.Line l : lines) {
            if (l.address() != 0) {
                byAddress.putIfAbsent(l.address() ^ Long.MIN_VALUE, l);
            }
            if (l.isText()) {
                textNamesAt.computeIfAbsent(l.address(), a -> new ArrayList<>()).add(l.name());
            }
        }
    }

    private static long nextAddress(long address) {
        Map.Entry<Long, Fixtures.Line> e = byAddress.higherEntry(address ^ Long.MIN_VALUE);
        return e == null ? address + CAP : e.getValue().address();
    }

    @Test
    void parsesWellUnderThreeHundredMillisecondsWarm() throws IOException {
        List<String> expected = Fixtures.dump(table);
        long[] nanos = new long[15];
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            SymbolTable t = KallsymsParser.parse(new StringReader(text));
            nanos[i] = System.nanoTime() - t0;
            assertEquals(table.size(), t.size());
        }
        assertEquals(expected, Fixtures.dump(KallsymsParser.parse(new StringReader(text))), "deterministic");
        long[] warm = Arrays.copyOfRange(nanos, 5, nanos.length);
        Arrays.sort(warm);
        long medianMs = warm[warm.length / 2] / 1_000_000;
        System.out.printf("kallsyms parse, %d lines, %d chars: first %d ms, warm median %d ms, min %d ms%n",
                lines.size(), text.length(), nanos[0] / 1_000_000, medianMs, warm[0] / 1_000_000);
        // A loose bound, to catch accidental quadratic behaviour without failing on a busy machine.
        assertTrue(medianMs < 2_000, medianMs + " ms");
    }

    @Test
    void oneEntryPerDistinctTextAddress() {
        assertEquals(textNamesAt.size(), table.size());
        assertTrue(table.size() > 100_000);
        for (int i = 1; i < table.size(); i++) {
            assertTrue(Long.compareUnsigned(table.address(i - 1), table.address(i)) < 0);
        }
    }

    @Test
    void everyThousandthTextSymbolResolvesFromItsSecondByte() {
        List<Fixtures.Line> textLines = lines.stream().filter(Fixtures.Line::isText).collect(Collectors.toList());
        int checked = 0;
        for (int i = 0; i < textLines.size(); i += 1000) {
            Fixtures.Line l = textLines.get(i);
            long pc = nextAddress(l.address()) - l.address() > 1 ? l.address() + 1 : l.address();
            KernelSymbol k = table.resolve(pc);
            assertNotNull(k, l.toString());
            assertEquals(l.address(), k.address(), l.toString());
            List<String> names = textNamesAt.get(l.address());
            if (names.size() == 1) {
                assertEquals(l.name(), k.name());
            } else {
                assertTrue(names.contains(k.name()), k.name() + " is one of " + names);
            }
            checked++;
        }
        assertEquals((textLines.size() + 999) / 1000, checked);
    }

    @Test
    void udpReceiveFunctionsResolve() {
        for (String name : List.of("__udp4_lib_rcv", "udp_queue_rcv_one_skb")) {
            Fixtures.Line l = lines.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            assertTrue(l.isText(), name);
            long size = nextAddress(l.address()) - l.address();
            assertTrue(size < CAP);
            KernelSymbol k = table.resolve(l.address() + 1);
            assertEquals(name, k.name());
            assertNull(k.module());
            assertEquals(size, k.size());
            assertEquals(name + "+0x1/0x" + Long.toHexString(size), k.percentPS(l.address() + 1));
            assertEquals(name + "+1", k.dropwatch(l.address() + 1));
            assertEquals(name, table.resolve(l.address() + size - 1).name());
            assertNotEquals(name, table.resolve(l.address() + size).name());
        }
    }

    @Test
    void noResolutionIsFartherThanTheCap() {
        for (int i = 0; i < table.size(); i++) {
            assertTrue(table.size(i) > 0 && table.size(i) <= CAP, table.name(i));
        }
        int bigGaps = 0;
        for (Fixtures.Line l : byAddress.values()) {
            if (textNamesAt.containsKey(l.address()) && nextAddress(l.address()) - l.address() > CAP) {
                int idx = table.indexOf(l.address());
                assertEquals(CAP, table.size(idx), table.name(idx));
                assertNotNull(table.resolve(l.address() + CAP - 1));
                assertNull(table.resolve(l.address() + CAP), "beyond " + table.name(idx) + " + cap");
                bigGaps++;
            }
        }
        assertTrue(bigGaps >= 4, "the snapshot has gaps after _etext, _einittext and others: " + bigGaps);
    }

    @Test
    void dataSymbolsNeverWin() {
        int checked = 0;
        for (Fixtures.Line d : lines) {
            if (!d.isData()) {
                continue;
            }
            KernelSymbol k = table.resolve(d.address());
            if (k != null) {
                // A data address ends the text symbol before it, so only a text symbol starting
                // at that very address (B __init_begin at T _sinittext) can contain it.
                assertEquals(d.address(), k.address(), d + " -> " + k);
                assertTrue(textNamesAt.get(k.address()).contains(k.name()), d + " -> " + k);
            }
            checked++;
        }
        assertTrue(checked > 50);
    }
}
