// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SymbolTableTest {
    private static final long CAP = KallsymsParser.DEFAULT_MAX_SYMBOL_SIZE;

    /** Distinct addresses of all lines (text and data), as unsigned-sorted keys. */
    private static TreeMap<Long, Fixtures.Line> byBiasedAddress(List<Fixtures.Line> lines) {
        TreeMap<Long, Fixtures.Line> m = new TreeMap<>();
        for (Fixtures.Line l : lines) {
            if (l.address() != 0 && !l.isMapping()) {
                m.putIfAbsent(l.address() ^ Long.MIN_VALUE, l);
            }
        }
        return m;
    }

    private static long minUnsigned(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    @Test
    void unsortedInputResolvesEveryLineToItself() throws IOException {
        List<Fixtures.Line> lines = Fixtures.lines("unsorted.txt");
        SymbolTable t = Fixtures.parse("unsorted.txt");
        assertEquals(lines.size(), t.size());
        List<Long> sorted = new ArrayList<>();
        lines.forEach(l -> sorted.add(l.address()));
        Collections.sort(sorted, Long::compareUnsigned);
        assertTrue(sorted.get(0) != lines.get(0).address(), "the fixture is really unsorted");
        for (int i = 0; i < sorted.size(); i++) {
            assertEquals((long) sorted.get(i), t.address(i));
        }
        for (Fixtures.Line l : lines) {
            int pos = sorted.indexOf(l.address());
            long end = pos + 1 < sorted.size() ? sorted.get(pos + 1) : l.address() + CAP;
            assertEquals(l.name(), t.resolve(l.address()).name());
            assertEquals(l.name(), t.resolve(end - 1).name());
            assertEquals(end - l.address(), t.resolve(l.address()).size());
        }
        assertEquals(-1, t.indexOf(sorted.get(0) - 1), "below the first symbol");
        assertEquals(-1, t.indexOf(sorted.get(sorted.size() - 1) + CAP), "beyond the last symbol's cap");
    }

    @Test
    void duplicateAddressesKeepOneNameByRank() throws IOException {
        SymbolTable t = Fixtures.parse("duplicate-addresses.txt");
        Map<String, String> winnerByRule = Map.of(
                "linker markers and __pi_ lose", "srso_alias_untrain_ret",
                "marker loses, T beats t", "swapgs_restore_regs_and_return_to_usermode",
                "only non-marker wins although t", "__pfx_run_init_process",
                "T beats t, then shorter", "__x64_sys_getpid",
                "t beats W", "cpu_show_not_affected",
                "fewer underscores, __pi_ loses", "memcpy",
                "shorter name", "__x86_indirect_thunk_rax",
                "T beats W", "__alloc_bootmem_huge_page",
                "same type and underscores, shorter", "ept_gpte_changed");
        List<Fixtures.Line> lines = Fixtures.lines("duplicate-addresses.txt");
        winnerByRule.forEach((rule, winner) -> {
            long address = lines.stream().filter(l -> l.name().equals(winner)).findFirst().orElseThrow().address();
            assertTrue(lines.stream().filter(l -> l.address() == address).count() > 1, rule);
            int idx = Fixtures.entryAt(t, address);
            assertEquals(winner, t.name(idx), rule);
        });
        long distinct = lines.stream().mapToLong(Fixtures.Line::address).distinct().count();
        assertEquals(distinct, t.size());
    }

    @Test
    void duplicateResolutionDoesNotDependOnInputOrder() throws IOException {
        String[] raw = Fixtures.text("duplicate-addresses.txt").split("\n");
        List<String> reversed = new ArrayList<>(List.of(raw));
        Collections.reverse(reversed);
        SymbolTable forward = Fixtures.parse("duplicate-addresses.txt");
        SymbolTable backward = KallsymsParser.parse(new StringReader(String.join("\n", reversed)));
        assertEquals(Fixtures.dump(forward), Fixtures.dump(backward));
    }

    @Test
    void dataSymbolsNeverWinAndEndTheTextBeforeThem() throws IOException {
        List<Fixtures.Line> lines = Fixtures.lines("data-interleaved.txt");
        SymbolTable t = Fixtures.parse("data-interleaved.txt");
        TreeMap<Long, Fixtures.Line> all = byBiasedAddress(lines);
        int dataChecked = 0;
        for (Fixtures.Line d : lines) {
            if (!d.isData()) {
                continue;
            }
            boolean textThere = lines.stream().anyMatch(l -> l.isText() && l.address() == d.address());
            KernelSymbol k = t.resolve(d.address());
            if (textThere) {
                assertNotEquals(d.name(), k.name());
            } else {
                assertNull(k, d.name() + " resolves to nothing");
            }
            dataChecked++;
        }
        assertTrue(dataChecked >= 5);
        for (Fixtures.Line l : lines) {
            if (!l.isText()) {
                continue;
            }
            Map.Entry<Long, Fixtures.Line> next = all.higherEntry(l.address() ^ Long.MIN_VALUE);
            int idx = Fixtures.entryAt(t, l.address());
            assertTrue(idx >= 0, l.name());
            if (next != null && next.getValue().isData() && next.getValue().address() - l.address() < CAP) {
                assertEquals(next.getValue().address() - l.address(), t.size(idx), l.name() + " ends at data");
            }
        }
    }

    @Test
    void mappingSymbolsAreSkippedAndDoNotEndFunctions() throws IOException {
        List<Fixtures.Line> lines = Fixtures.lines("arm64-mapping-symbols.txt");
        SymbolTable t = Fixtures.parse("arm64-mapping-symbols.txt");
        for (int i = 0; i < t.size(); i++) {
            assertTrue(!t.name(i).startsWith("$"), t.name(i));
        }
        TreeMap<Long, Fixtures.Line> named = new TreeMap<>();
        lines.stream().filter(Fixtures.Line::isText).forEach(l -> named.putIfAbsent(l.address() ^ Long.MIN_VALUE, l));
        int checked = 0;
        for (Fixtures.Line m : lines) {
            if (m.isMapping()) {
                long pc = m.address() + 4;
                Fixtures.Line owner = named.floorEntry(pc ^ Long.MIN_VALUE).getValue();
                KernelSymbol k = t.resolve(pc);
                assertEquals(owner.name(), k.name(), m.name() + " at " + Long.toHexString(m.address()));
                assertEquals(owner.module(), k.module());
                checked++;
            }
        }
        assertTrue(checked >= 6);
    }

    @Test
    void bpfProgramsResolveWithModuleBpf() throws IOException {
        List<Fixtures.Line> lines = Fixtures.lines("bpf.txt");
        SymbolTable t = Fixtures.parse("bpf.txt");
        List<Fixtures.Line> progs = new ArrayList<>();
        lines.stream().filter(l -> "bpf".equals(l.module())).forEach(progs::add);
        assertEquals(2, progs.size());
        progs.sort((a, b) -> Long.compareUnsigned(a.address(), b.address()));
        for (Fixtures.Line p : progs) {
            KernelSymbol k = t.resolve(p.address() + 1);
            assertEquals(p.name(), k.name());
            assertEquals("bpf", k.module());
            assertTrue(k.percentPS(p.address() + 1).endsWith(" [bpf]"));
        }
        long gap = progs.get(1).address() - progs.get(0).address();
        assertEquals(gap, t.resolve(progs.get(0).address()).size(), "packed programs end at the next one");
        assertEquals(progs.get(0).name(), t.resolve(progs.get(1).address() - 1).name());
    }

    @Test
    void moduleSymbolsEndAtTheModuleBoundaryWhenModulesAreKnown() throws IOException {
        List<Fixtures.Line> lines = Fixtures.lines("with-modules.txt");
        ModuleList modules = ModuleList.parse(new StringReader(Fixtures.text("with-modules.modules")));
        SymbolTable without = Fixtures.parse("with-modules.txt");
        SymbolTable with = Fixtures.parse("with-modules.txt", "with-modules.modules");
        for (Fixtures.Line l : lines) {
            if (l.isText()) {
                assertEquals(l.name(), with.resolve(l.address()).name());
                assertEquals(l.module(), with.resolve(l.address()).module());
            }
        }
        TreeMap<Long, Fixtures.Line> all = byBiasedAddress(lines);
        int gapsChecked = 0;
        for (ModuleList.Module m : modules.modules()) {
            long moduleEnd = m.address() + m.size();
            Fixtures.Line last = null;
            for (Fixtures.Line l : lines) {
                if (l.isText() && m.name().equals(l.module())) {
                    last = l;
                }
            }
            assertNotNull(last, m.name());
            Map.Entry<Long, Fixtures.Line> next = all.higherEntry(last.address() ^ Long.MIN_VALUE);
            long nextStart = next == null ? -1L : next.getValue().address(); // -1: unsigned maximum
            long end = minUnsigned(minUnsigned(nextStart, moduleEnd), last.address() + CAP);
            int idx = Fixtures.entryAt(with, last.address());
            assertEquals(end - last.address(), with.size(idx), m.name() + "'s last symbol");
            assertEquals(last.name(), with.resolve(end - 1).name());
            assertNull(with.resolve(moduleEnd), "PC past " + m.name());
            if (end == moduleEnd) {
                assertEquals(last.name(), without.resolve(moduleEnd).name(), "without /proc/modules: a guess");
                gapsChecked++;
            }
        }
        assertEquals(2, gapsChecked, "nf_tables and br_netfilter end at their module boundary");
    }

    @Test
    void noSymbolExtendsBeyondTheCap() throws IOException {
        SymbolTable t = KallsymsParser.parse(new StringReader(
                "ffffffff82209978 T __SCT__tp_func_ma_read\nffffffff82209988 T _etext\n"
                + "ffffffff83783000 T _sinittext\n"));
        int etext = Fixtures.entryAt(t, 0xffffffff82209988L);
        assertEquals(CAP, t.size(etext));
        assertEquals("_etext", t.resolve(0xffffffff82209988L + CAP - 1).name());
        assertNull(t.resolve(0xffffffff82209988L + CAP));
        assertEquals(CAP, t.size(t.size() - 1), "the last symbol gets the cap");
    }

    @Test
    void addressesSpanningMoreThan4GiBResolveAsThoseWithin() throws IOException {
        String kernelText = "ffffffff81000000 T a\nffffffff81000100 T b\nffffffffc0001000 t m\t[mod]\n"
                + "fffffffffff00000 T high\n";
        SymbolTable kernel = KallsymsParser.parse(new StringReader(kernelText));
        SymbolTable wide = KallsymsParser.parse(new StringReader("0000000000001000 T low\n" + kernelText));
        assertEquals(4 * 4, kernel.addressBytes(), "a kernel's span: 32-bit offsets from the first address");
        assertEquals(8 * 5, wide.addressBytes(), "0x1000 to the top spans more than 4 GiB: addresses as they are");
        long[] pcs = {0xffffffff80ffffffL, 0xffffffff81000000L, 0xffffffff810000ffL, 0xffffffff81000100L,
            0xffffffffc0000fffL, 0xffffffffc0001010L, 0xfffffffffff00000L, 0xfffffffffff00010L, -1L};
        for (long pc : pcs) {
            assertEquals(wide.resolve(pc), kernel.resolve(pc), Long.toHexString(pc));
        }
        assertNull(kernel.resolve(0x1004));
        assertEquals("low", wide.resolve(0x1004).name());
        assertEquals("b", kernel.resolve(0xffffffff81000104L).name());
        assertEquals("m", kernel.resolve(0xffffffffc0001010L).name());
        assertEquals("high", kernel.resolve(0xfffffffffff00010L).name());
        assertEquals(0xfffffffffff00000L, kernel.address(kernel.size() - 1));
        assertEquals(0xfffffffffff00000L, wide.address(wide.size() - 1));
        assertNull(kernel.resolve(-1L), "beyond the last symbol's cap");
    }

    @Test
    void indexOfDoesNotAllocate() throws IOException {
        SymbolTable t = Fixtures.parse("with-modules.txt");
        long[] pcs = new long[t.size() * 3];
        for (int i = 0; i < t.size(); i++) {
            pcs[3 * i] = t.address(i);
            pcs[3 * i + 1] = t.address(i) + t.size(i) - 1;
            pcs[3 * i + 2] = t.address(i) + t.size(i);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int round = 0; round < 20_000; round++) {
            for (long pc : pcs) {
                sink += t.indexOf(pc);
            }
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 20_000; round++) {
            for (long pc : pcs) {
                sink += t.indexOf(pc);
            }
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(sink != 0);
        assertTrue(allocated < 1024, allocated + " bytes allocated by " + 20_000L * pcs.length + " lookups");
    }
}
