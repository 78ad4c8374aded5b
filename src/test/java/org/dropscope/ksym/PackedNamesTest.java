// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The table keeps names as bytes and modules by number ({@link SymbolTable}, "How it is held"):
 * what comes back out must be what kallsyms said, whether it was read as bytes or as characters.
 */
class PackedNamesTest {
    private static SymbolTable fromBytes(String text) throws IOException {
        return fromBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static SymbolTable fromBytes(byte[] bytes) throws IOException {
        return KallsymsParser.parse(new ByteArrayInputStream(bytes), KallsymsParser.KPTR_RESTRICT_UNKNOWN,
                ModuleList.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"with-modules.txt", "bpf.txt", "duplicate-addresses.txt", "unsorted.txt",
        "linux-6.18-x86_64.kallsyms.gz"})
    void bytesAndCharactersGiveTheSameTable(String fixture) throws IOException {
        String text = Fixtures.text(fixture);
        assertEquals(Fixtures.dump(KallsymsParser.parse(new StringReader(text))), Fixtures.dump(fromBytes(text)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"with-modules.txt", "linux-6.18-x86_64.kallsyms.gz"})
    void everyNameAndModuleIsTheFixtureLineAtItsAddress(String fixture) throws IOException {
        Map<Long, List<String>> names = new HashMap<>();
        Map<String, String> modules = new HashMap<>();
        for (Fixtures.Line l : Fixtures.lines(fixture)) {
            if (l.isText()) {
                names.computeIfAbsent(l.address(), a -> new java.util.ArrayList<>())
                        .add(l.name() + "\t" + l.module());
            }
        }
        SymbolTable t = Fixtures.parse(fixture);
        assertEquals(names.size(), t.size());
        int inModules = 0;
        for (int i = 0; i < t.size(); i++) {
            String module = t.module(i);
            assertTrue(names.get(t.address(i)).contains(t.name(i) + "\t" + module), t.name(i));
            if (module != null) {
                inModules++;
                // One String per module name, shared by its symbols.
                assertSame(modules.computeIfAbsent(module, m -> m), module);
                assertSame(module.intern(), module);
            }
        }
        assertTrue(inModules > 0, "the fixture has module symbols");
    }

    @Test
    void aSymbolizerOverBytesResolvesAsOneOverCharacters() throws IOException {
        String text = Fixtures.text("with-modules.txt");
        Symbolizer bytes = new Symbolizer(() -> new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                () -> null, () -> KallsymsParser.KPTR_RESTRICT_UNKNOWN, System::nanoTime);
        Symbolizer chars = new Symbolizer(() -> new StringReader(text), () -> null);
        SymbolTable t = chars.table();
        assertEquals(Fixtures.dump(t), Fixtures.dump(bytes.table()));
        for (int i = 0; i < t.size(); i++) {
            long pc = t.address(i) + t.size(i) / 2;
            assertEquals(chars.percentPS(pc), bytes.percentPS(pc));
            assertEquals(t.name(i), bytes.name(pc));
        }
    }

    @Test
    void aPaddingSymbolKeepsNoBytesAndReadsBackAsKallsymsSaid() throws IOException {
        SymbolTable t = fromBytes("""
                ffffffff81000000 T __pfx_tcp_v4_rcv
                ffffffff81000010 T tcp_v4_rcv
                ffffffff81000100 t __pfx_udp_rcv
                ffffffff81000110 t udp_queue_rcv_skb
                ffffffff81000200 t __pfx___pfx_x
                ffffffff81000210 t __pfx_x
                ffffffff81000220 t x
                ffffffffc0000000 t __pfx_nf_hook\t[nf_tables]
                ffffffffc0000010 t nf_hook\t[nf_tables]
                ffffffffc0000100 t __pfx_tail\t[nf_tables]
                """);
        String[] expected = {"__pfx_tcp_v4_rcv", "tcp_v4_rcv", "__pfx_udp_rcv", "udp_queue_rcv_skb",
            "__pfx___pfx_x", "__pfx_x", "x", "__pfx_nf_hook", "nf_hook", "__pfx_tail"};
        char[] types = {'T', 'T', 't', 't', 't', 't', 't', 't', 't', 't'};
        assertEquals(expected.length, t.size());
        for (int i = 0; i < expected.length; i++) {
            int at = t.indexOf(t.address(i) + 5);
            assertEquals(i, at);
            assertEquals(expected[i], t.name(at));
            assertEquals(types[i], t.type(at));
        }
        assertEquals("nf_tables", t.module(7));
        // Bytes only for the names that are not "__pfx_" and the next entry's name.
        int held = "tcp_v4_rcv".length() + "__pfx_udp_rcv".length() + "udp_queue_rcv_skb".length() + "x".length()
                + "nf_hook".length() + "__pfx_tail".length();
        assertEquals(held, t.nameBytes());
    }

    @Test
    void vmlinuxSymbolsHaveNoModule() throws IOException {
        SymbolTable t = fromBytes("ffffffff81000000 T _stext\nffffffff81000010 T first\n"
                + "ffffffffc0a00000 t veth_open\t[veth]\n");
        assertNull(t.module(Fixtures.entryAt(t, 0xffffffff81000010L)));
        assertEquals("veth", t.module(Fixtures.entryAt(t, 0xffffffffc0a00000L)));
    }

    @Test
    void aNameAskedForAgainIsNotMadeAgain() throws IOException {
        SymbolTable t = Fixtures.parse("with-modules.txt");
        for (int i = 0; i < t.size(); i++) {
            assertSame(t.name(i), t.name(i));
        }
        String first = t.name(0);
        assertEquals(first, t.symbol(0).name());
    }

    /** Not ASCII: read back as a UTF-8 reader would have read it, by either path, in any chunking. */
    @Test
    void otherNamesReadBackAsUtf8() throws IOException {
        String text = "ffffffff81000000 T _stext\nffffffff81000010 T f\u00fcnf_\u03bb\n"
                + "ffffffff81000020 T surrogate_\ud835\udd18\nffffffff81000030 t m\u00f6d_fn\t[m\u00f6d]\n";
        SymbolTable t = fromBytes(text);
        assertEquals("f\u00fcnf_\u03bb", t.name(1));
        assertEquals("surrogate_\ud835\udd18", t.name(2));
        assertEquals("m\u00f6d", t.module(3));
        for (int chunk : new int[] {1, 2, 3}) {
            Reader dribble = new StringReader(text) {
                @Override
                public int read(char[] cbuf, int off, int len) throws IOException {
                    return super.read(cbuf, off, Math.min(len, chunk));
                }
            };
            assertEquals(Fixtures.dump(t), Fixtures.dump(KallsymsParser.parse(dribble)), "chunk " + chunk);
        }
        byte[] invalid = "ffffffff81000000 T _stext\nffffffff81000010 T bad_\u0000\n".getBytes(StandardCharsets.UTF_8);
        invalid[invalid.length - 2] = (byte) 0xff;
        String viaReader = new String(invalid, StandardCharsets.UTF_8);
        assertEquals(Fixtures.dump(KallsymsParser.parse(new InputStreamReader(new ByteArrayInputStream(invalid),
                StandardCharsets.UTF_8))), Fixtures.dump(fromBytes(invalid)), viaReader);
        assertEquals("bad_\ufffd", fromBytes(invalid).name(1));
    }

    @Test
    void aC1ControlCharacterAsBytesIsAFormatError() {
        byte[] in = "ffffffff81000000 T _stext\nffffffff81000010 T foo\u009b2J\n".getBytes(StandardCharsets.UTF_8);
        KallsymsFormatException e = assertThrows(KallsymsFormatException.class, () -> fromBytes(in));
        assertEquals(2, e.lineNumber());
    }

    @Test
    void moreModuleNamesThanTheTableNumbersIsAFormatErrorNamingTheLine() {
        StringBuilder sb = new StringBuilder("ffffffff81000000 T _stext\n");
        for (int m = 0; m <= SymbolTableBuilder.MAX_MODULES; m++) {
            sb.append(String.format("%016x t f\t[m%d]%n", 0xffffffffc0000000L + 16L * m, m));
        }
        KallsymsFormatException e = assertThrows(KallsymsFormatException.class, () -> fromBytes(sb.toString()));
        assertEquals(SymbolTableBuilder.MAX_MODULES + 2, e.lineNumber());
        assertTrue(e.getMessage().contains("module names"), e.getMessage());
    }
}
