// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KallsymsParserTest {

    private static SymbolTable parse(String text) throws IOException {
        return KallsymsParser.parse(new StringReader(text));
    }

    @Test
    void splitsAddressTypeNameAndModule() throws IOException {
        SymbolTable t = parse("ffffffff82046a90 T __udp4_lib_rcv\n"
                + "ffffffffc0a00080 t veth_xmit\t[veth]\n");
        assertEquals(2, t.size());
        assertEquals(0xffffffff82046a90L, t.address(0));
        assertEquals("__udp4_lib_rcv", t.name(0));
        assertEquals('T', t.type(0));
        assertNull(t.module(0));
        assertEquals(0xffffffffc0a00080L, t.address(1));
        assertEquals("veth_xmit", t.name(1));
        assertEquals('t', t.type(1));
        assertEquals("veth", t.module(1));
    }

    @Test
    void moduleNamesAreInternedAcrossParses() throws IOException {
        SymbolTable a = Fixtures.parse("with-modules.txt");
        SymbolTable b = Fixtures.parse("with-modules.txt");
        for (Fixtures.Line l : Fixtures.lines("with-modules.txt")) {
            if (l.isText() && l.module() != null) {
                String ma = a.module(Fixtures.entryAt(a, l.address()));
                assertSame(ma, b.module(Fixtures.entryAt(b, l.address())), l.toString());
                assertSame(l.module().intern(), ma, l.toString());
            }
        }
    }

    @Test
    void keepsTextTypesOnly() throws IOException {
        String letters = "TtWwDdBbRrAaUuNnVvGgSs?";
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < letters.length(); i++) {
            in.append(String.format("%016x %c sym_%d%n", 0xffffffff81000000L + 0x100L * i, letters.charAt(i), i));
        }
        SymbolTable t = parse(in.toString());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < letters.length(); i++) {
            if ("TtWw".indexOf(letters.charAt(i)) >= 0) {
                expected.add("sym_" + i);
            }
        }
        List<String> actual = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            actual.add(t.name(i));
        }
        assertEquals(expected, actual);
    }

    @Test
    void harmlessShapesParseLikeTheCleanText() throws IOException {
        String clean = Fixtures.text("with-modules.txt");
        List<String> expected = Fixtures.dump(parse(clean));
        assertEquals(expected, Fixtures.dump(parse(clean.replace("\n", "\r\n"))), "CRLF");
        assertEquals(expected, Fixtures.dump(parse("\n" + clean.replace("\n", "\n\n"))), "blank lines");
        assertEquals(expected, Fixtures.dump(parse(clean.substring(0, clean.length() - 1))), "no final newline");
    }

    @Test
    void readsCorrectlyWhateverTheReaderChunking() throws IOException {
        String text = Fixtures.text("with-modules.txt") + Fixtures.text("unsorted.txt");
        List<String> expected = Fixtures.dump(parse(text));
        for (int chunk : new int[] {1, 2, 7, 61}) {
            Reader dribble = new StringReader(text) {
                @Override
                public int read(char[] cbuf, int off, int len) throws IOException {
                    return super.read(cbuf, off, Math.min(len, chunk));
                }
            };
            assertEquals(expected, Fixtures.dump(KallsymsParser.parse(dribble)), "chunk " + chunk);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ffffffff8100zz00 T foo",
        "ffffffff81000000",
        "ffffffff81000000 T",
        "ffffffff81000000 T ",
        "ffffffff81000000 T foo bar",
        "ffffffff81000000  foo",
        "ffffffff81000000 TT foo",
        "ffffffff81000000 1 foo",
        " ffffffff81000000 T foo",
        "1ffffffff81000000 T foo",
        "ffffffff81000000 T foo\t[mod",
        "ffffffff81000000 T foo\t[]",
        "ffffffff81000000 T foo\tmod",
        "ffffffff81000000 T foo\t[a b]",
    })
    void malformedLineNamesLineNumberAndText(String bad) {
        String in = "ffffffff81000000 T _stext\nffffffff81000010 T first\n" + bad + "\nffffffff81000100 T last\n";
        KallsymsFormatException e = assertThrows(KallsymsFormatException.class, () -> parse(in));
        assertEquals(3, e.lineNumber());
        assertTrue(e.getMessage().startsWith("kallsyms line 3: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("\"" + bad.replace("\t", "\\t") + "\""), e.getMessage());
    }

    /** Found by KallsymsFuzzTest: a vertical tab made "veth_init\u000b[veth]" one name, unprintable as %pS. */
    @ParameterizedTest
    @ValueSource(strings = {"ffffffffc0a00c00 T veth_init\u000b[veth]", "ffffffff81000000 T foo\u001b[2Jbar",
        "ffffffff81000000 T foo\u009b2J", "ffffffff81000000 T foo\t[mo\u0007d]"})
    void controlCharactersInANameOrModuleAreAFormatError(String bad) {
        String in = "ffffffff81000000 T _stext\nffffffff81000010 T first\n" + bad + "\nffffffff81000100 T last\n";
        KallsymsFormatException e = assertThrows(KallsymsFormatException.class, () -> parse(in));
        assertEquals(3, e.lineNumber());
    }

    @Test
    void malformedFixtureNamesTheTruncatedLine() {
        String[] raw = Fixtures.text("malformed.txt").split("\n");
        int badLine = 0;
        for (int i = 0; i < raw.length && badLine == 0; i++) {
            if (raw[i].split(" ").length < 3) {
                badLine = i + 1;
            }
        }
        assertTrue(badLine > 1, "the fixture has a truncated line after the first");
        KallsymsFormatException e = assertThrows(KallsymsFormatException.class,
                () -> Fixtures.parse("malformed.txt"));
        assertEquals(badLine, e.lineNumber());
        assertTrue(e.getMessage().contains("line " + badLine + ":"), e.getMessage());
        assertTrue(e.getMessage().contains("\"" + raw[badLine - 1] + "\""), e.getMessage());
    }

    @Test
    void emptyInputIsAFormatError() {
        assertThrows(KallsymsFormatException.class, () -> parse(""));
        assertThrows(KallsymsFormatException.class, () -> parse("\n\n"));
    }

    @Test
    void overlongLineIsAFormatErrorNotAnOutOfMemory() {
        String in = "ffffffff81000000 T " + "x".repeat(KallsymsParser.MAX_LINE_BYTES) + "\n";
        KallsymsFormatException e = assertThrows(KallsymsFormatException.class, () -> parse(in));
        assertEquals(1, e.lineNumber());
        assertTrue(e.getMessage().length() < 400, "message quotes a shortened line");
    }

    @ParameterizedTest
    @ValueSource(ints = {KallsymsParser.KPTR_RESTRICT_UNKNOWN, 0, 1, 2})
    void allZeroAddressesExplainCauseAndFixInOneLine(int kptrRestrict) {
        List<Fixtures.Line> lines = Fixtures.lines("kptr-restricted-all-zero.txt");
        assertTrue(lines.stream().allMatch(l -> l.address() == 0), "fixture is all zero");
        KallsymsUnavailableException e = assertThrows(KallsymsUnavailableException.class,
                () -> KallsymsParser.parse(new StringReader(Fixtures.text("kptr-restricted-all-zero.txt")),
                        kptrRestrict, ModuleList.NONE));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith("cannot read kernel symbol addresses: "), m);
        assertTrue(m.contains("CAP_SYSLOG"), m);
        assertTrue(m.endsWith("or use -l none"), m);
        if (kptrRestrict >= 0) {
            assertTrue(m.contains("(kernel.kptr_restrict=" + kptrRestrict), m);
        }
    }

    @Test
    void zeroAddressesAmongRealOnesAreDropped() throws IOException {
        SymbolTable t = parse("0000000000000000 T hidden\nffffffff81000000 T _stext\nffffffff81000010 T shown\n");
        assertEquals(List.of("_stext", "shown"),
                Fixtures.dump(t).stream().map(s -> s.split(" ")[2]).collect(Collectors.toList()));
        assertEquals(-1, t.indexOf(0));
    }

    @Test
    void lowAndHighAddressesCompareUnsigned() throws IOException {
        SymbolTable t = parse("ffffffff81000000 T high\n0000000000001000 T low\n");
        assertEquals("low", t.name(0));
        assertEquals("high", t.name(1));
        assertEquals("low", t.resolve(0x1001).name());
        assertEquals("high", t.resolve(0xffffffff81000001L).name());
        assertNull(t.resolve(0x7fffffffffffffffL));
    }
}
