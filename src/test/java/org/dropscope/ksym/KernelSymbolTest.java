// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dropscope.names.Symbol;
import org.junit.jupiter.api.Test;

class KernelSymbolTest {
    /**
     * The %pS shape of Documentation/core-api/printk-formats.rst: "name+0xoff/0xsize", then
     * " [module]" for module symbols (%pSb would add a build id; dropscope has none to add).
     */
    private static final Pattern PERCENT_PS =
            Pattern.compile("(?<name>[^ +\\[\\]]+)\\+0x(?<off>[0-9a-f]+)/0x(?<size>[0-9a-f]+)(?: \\[(?<mod>[^\\]]+)\\])?");

    @Test
    void percentPSReproducesTheKernelDocumentationExample() {
        long address = 0xffffffffc0a00000L;
        KernelSymbol s = new KernelSymbol("versatile_init", "module_name", address, 0x110);
        assertEquals("versatile_init+0x0/0x110 [module_name]", s.percentPS(address));
        assertEquals("versatile_init+0x9/0x110 [module_name]", s.percentPS(address + 9));
        assertEquals("versatile_init+0x9/0x110",
                new KernelSymbol("versatile_init", null, address, 0x110).percentPS(address + 9));
    }

    @Test
    void dropwatchFormIsLowercaseHexWithoutPrefixLikePercentLlx() {
        long address = 0xffffffff81c2a200L;
        KernelSymbol s = new KernelSymbol("tcp_v4_rcv", "ignored_by_dropwatch", address, 0x10000);
        for (long off : new long[] {0, 1, 0x163, 0xabc, 0xffff}) {
            assertEquals(String.format("%s+%x", "tcp_v4_rcv", off), s.dropwatch(address + off));
        }
        assertEquals("tcp_v4_rcv+163", s.dropwatch(address + 0x163));
    }

    @Test
    void atAnAddressTheSymbolIsNamedWithoutItsAddress() {
        long address = 0xffffffffc0a10010L;
        KernelSymbol s = new KernelSymbol("nft_do_chain", "nf_tables", address, 0x7f0);
        assertEquals(new Symbol("nft_do_chain", "nf_tables", 0x153, 0x7f0), s.at(address + 0x153));
        assertEquals(s.dropwatch(address + 0x153), s.at(address + 0x153).dropwatch(), "one form, one place");
        assertThrows(IllegalArgumentException.class, () -> s.at(address + 0x7f0));
    }

    /** NET_DM's NET_DM_ATTR_SYMBOL is the kernel's %pS: read back, it is the symbol it was printed from. */
    @Test
    void percentPSTextReadsBackIntoTheSymbolItWasPrintedFrom() {
        for (KernelSymbol s : new KernelSymbol[] {new KernelSymbol("__udp4_lib_rcv", null, 0xffffffff90cbc140L, 0xc30),
            new KernelSymbol("versatile_init", "module_name", 0xffffffffc0a00000L, 0x110)}) {
            for (long pc : new long[] {s.address(), s.address() + 0x9a2 % s.size(), s.address() + s.size() - 1}) {
                assertEquals(s, KernelSymbol.ofPercentPS(s.percentPS(pc), pc), s.percentPS(pc));
            }
        }
        assertEquals(null, KernelSymbol.ofPercentPS("__udp4_lib_rcv+0xc30/0xc30", 0xffffffff90cbcd70L), "past the end");
        assertEquals(null, KernelSymbol.ofPercentPS("0xffffffff90cbcae2", 0xffffffff90cbcae2L), "a bare address");
        assertEquals(null, KernelSymbol.ofPercentPS(null, 1));
    }

    @Test
    void offsetsOutsideTheSymbolAreRejected() {
        KernelSymbol s = new KernelSymbol("f", null, 0xffffffff81000000L, 0x40);
        assertThrows(IllegalArgumentException.class, () -> s.dropwatch(0xffffffff81000040L));
        assertThrows(IllegalArgumentException.class, () -> s.percentPS(0xffffffff80ffffffL));
        assertTrue(s.contains(0xffffffff8100003fL));
        assertFalse(s.contains(0xffffffff81000040L));
        KernelSymbol top = new KernelSymbol("top", null, 0xfffffffffffff000L, 0x1000);
        assertTrue(top.contains(-1L), "unsigned arithmetic at the top of the address space");
        assertEquals("top+fff", top.dropwatch(-1L));
    }

    @Test
    void everyTableEntryFormatsToTheDocumentedShapeAndParsesBack() throws IOException {
        for (String fixture : new String[] {"with-modules.txt", "bpf.txt", "duplicate-addresses.txt"}) {
            SymbolTable t = Fixtures.parse(fixture);
            for (int i = 0; i < t.size(); i++) {
                KernelSymbol k = t.symbol(i);
                for (long off : new long[] {0, t.size(i) / 2, t.size(i) - 1}) {
                    String ps = k.percentPS(k.address() + off);
                    Matcher m = PERCENT_PS.matcher(ps);
                    assertTrue(m.matches(), ps);
                    assertEquals(t.name(i), m.group("name"));
                    assertEquals(off, Long.parseLong(m.group("off"), 16));
                    assertEquals(t.size(i), Long.parseLong(m.group("size"), 16));
                    assertEquals(t.module(i), m.group("mod"));
                    assertEquals(t.name(i) + "+" + Long.toHexString(off), k.dropwatch(k.address() + off));
                }
            }
        }
    }

    /** A damaged capture's symbol attribute: never an exception, no symbol. */
    @Test
    void aPercentPsTextWithNumbersOfMoreThan16HexDigitsIsNoSymbol() {
        long pc = 0xffffffff81000010L;
        assertEquals(new KernelSymbol("f", null, 0xffffffff81000000L, 0x20), KernelSymbol.ofPercentPS("f+0x10/0x20", pc));
        assertEquals(null, KernelSymbol.ofPercentPS("f+0x10000000000000000/0x20", pc));
        assertEquals(null, KernelSymbol.ofPercentPS("f+0x10/0x" + "f".repeat(17), pc));
        assertEquals(null, KernelSymbol.ofPercentPS("f+0x0/0x", pc));
        // 16 digits are a u64: an offset past a size of 2^63 and more is still compared unsigned.
        assertEquals(null, KernelSymbol.ofPercentPS("f+0xffffffffffffffff/0x8000000000000000", pc));
    }
}
