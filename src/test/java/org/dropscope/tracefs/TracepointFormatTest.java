// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class TracepointFormatTest {
    static final List<String> ALL = Fixtures.ALL;

    /** A minimal valid file; tests break one part of it at a time. */
    private static final String SMALL = "name: ev\n"
            + "ID: 7\n"
            + "format:\n"
            + "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
            + "\n"
            + "\tfield:int val;\toffset:8;\tsize:4;\tsigned:1;\n"
            + "\n"
            + "print fmt: \"val=%s\", __print_symbolic(REC->val, TABLE)\n";

    private static String small(String table) {
        return SMALL.replace("TABLE", table);
    }

    private static TracefsFormatException fails(String text) {
        return assertThrows(TracefsFormatException.class, () -> Fixtures.parseText(text));
    }

    @ParameterizedTest
    @FieldSource("ALL")
    void keepsTheTextItWasParsedFromVerbatim(String fixture) throws Exception {
        assertEquals(Fixtures.text(fixture), Fixtures.parse(fixture).text());
    }

    @ParameterizedTest
    @FieldSource("ALL")
    void everyFixtureParsesWithTheFieldsItsTextLists(String fixture) throws Exception {
        String text = Fixtures.text(fixture);
        TracepointFormat format = Fixtures.parse(fixture);

        assertEquals(Fixtures.name(text), format.name());
        assertEquals(Fixtures.id(text), format.id());
        Map<String, Fixtures.TextField> expected = Fixtures.fields(text);
        List<TracepointField> all = new ArrayList<>(format.commonFields());
        all.addAll(format.fields());
        assertEquals(List.copyOf(expected.keySet()),
                all.stream().map(TracepointField::name).toList());
        int end = 0;
        for (TracepointField f : all) {
            Fixtures.TextField t = expected.get(f.name());
            assertEquals(t.offset(), f.offset(), f.name());
            assertEquals(t.size(), f.size(), f.name());
            assertEquals(t.signed(), f.signed(), f.name());
            end = Math.max(end, t.offset() + t.size());
        }
        assertEquals(end, format.rawSize());
        assertTrue(format.commonFields().stream().allMatch(TracepointField::isCommon));
        assertFalse(format.fields().stream().anyMatch(TracepointField::isCommon));
        assertTrue(text.contains("print fmt: " + format.printFmt()));
    }

    @ParameterizedTest
    @FieldSource("ALL")
    void symbolicTablesMatchTheText(String fixture) throws Exception {
        String text = Fixtures.text(fixture);
        TracepointFormat format = Fixtures.parse(fixture);
        List<Map.Entry<Integer, String>> expected = Fixtures.symbolicEntries(text);
        if (expected.isEmpty()) {
            assertEquals(List.of(), format.symbolicTables());
            assertTrue(format.symbolicTable("reason").isEmpty());
            return;
        }
        assertEquals(1, format.symbolicTables().size());
        SymbolicTable table = format.symbolicTable("reason").orElseThrow();
        assertEquals("REC->reason", table.expression());
        assertEquals(expected, table.entries().stream()
                .map(e -> Map.entry((int) e.value(), e.name())).toList());
    }

    @Test
    void commonHeaderIsTheSameOnAllThreeKernels() throws Exception {
        List<TracepointField> header = Fixtures.parse(Fixtures.KFREE_5_10).commonFields();
        assertEquals(header, Fixtures.parse(Fixtures.KFREE_6_1).commonFields());
        assertEquals(header, Fixtures.parse(Fixtures.KFREE_6_18).commonFields());
        assertEquals("unsigned short", header.get(0).type());
        assertEquals("common_type", header.get(0).name());
    }

    @Test
    void valuesMayBeHexOctalParenthesisedOrSuffixed() throws Exception {
        TracepointFormat f = Fixtures.parseText(small(
                "{ 0x2, \"A\" }, { (3), \"B\" }, { 4U, \"C\" }, { 010, \"D\" }, { 0, \"E\" },"
                + " { 0XffUL, \"F\" }, { -1, \"G\" }"));
        assertEquals(List.of(new SymbolicTable.Entry(2, "A"), new SymbolicTable.Entry(3, "B"),
                new SymbolicTable.Entry(4, "C"), new SymbolicTable.Entry(8, "D"),
                new SymbolicTable.Entry(0, "E"), new SymbolicTable.Entry(255, "F"),
                new SymbolicTable.Entry(-1, "G")),
                f.symbolicTable("val").orElseThrow().entries());
    }

    @Test
    void namesAndStringsWithCommasAndEscapesAreReadWhole() throws Exception {
        TracepointFormat f = Fixtures.parseText(SMALL.replace("\"val=%s\"", "\"a, \\\"b\\\" (c\"")
                .replace("TABLE", "{ 1, \"X,Y\" }, { 2, \"Q\\\"R\" }"));
        assertEquals(List.of(new SymbolicTable.Entry(1, "X,Y"), new SymbolicTable.Entry(2, "Q\"R")),
                f.symbolicTable("val").orElseThrow().entries());
    }

    @Test
    void unresolvedEnumNamesAreRefusedNotGuessed() {
        TracefsFormatException e = fails(small("{ SKB_DROP_REASON_NOT_SPECIFIED, \"NOT_SPECIFIED\" }"));
        assertEquals(8, e.line());
        assertTrue(e.getMessage().contains("symbolic name 'SKB_DROP_REASON_NOT_SPECIFIED'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("refusing to guess"), e.getMessage());
    }

    @Test
    void garbageSymbolicTablesNameWhatWasExpected() {
        assertMessage(small("{ 2 \"X\" }"), 8, "expected a number");
        assertMessage(small("{ 2, X }"), 8, "expected a quoted name");
        assertMessage(small("{ 2, \"X\" ]"), 8, "expected '}' to close");
        assertMessage(small("2, \"X\""), 8, "expected '{' to start");
        assertMessage(small("{ 2, \"X\" } { 3, \"Y\" }"), 8, "expected ',' or ')'");
        assertMessage(small("{ 1-2, \"X\" }"), 8, "found '1-2'");
        assertMessage(SMALL.replace("__print_symbolic(REC->val, TABLE)", "__print_symbolic(REC->val)"),
                8, "expected ',' and a { value, \"NAME\" } list");
        assertMessage(SMALL.replace("print fmt: \"val=%s\"", "print fmt: val=%s"), 8,
                "expected the quoted format string");
    }

    @Test
    void aFileCutAnywhereBeforeItsEndIsRejected() {
        String text = Fixtures.text(Fixtures.KFREE_6_18);
        int printFmt = text.indexOf("print fmt:");
        int printFmtLine = (int) text.substring(0, printFmt).chars().filter(c -> c == '\n').count() + 1;
        for (int cut = 0; cut < printFmt; cut = text.indexOf('\n', cut) + 1) {
            TracefsFormatException e = fails(text.substring(0, cut));
            assertTrue(e.getMessage().contains("expected"), e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
        for (int cut = text.indexOf("__print_symbolic(") + "__print_symbolic".length(); cut < text.length() - 2; cut += 37) {
            TracefsFormatException e = fails(text.substring(0, cut));
            assertEquals(printFmtLine, e.line(), e.getMessage());
            assertTrue(e.getMessage().contains("expected"), e.getMessage());
        }
    }

    @Test
    void headerLinesAreChecked() {
        assertMessage("nam: ev\n", 1, "expected 'name: <event name>' but found 'nam: ev'");
        assertMessage("", 1, "expected 'name: <event name>' but the input ended");
        assertMessage(SMALL.replace("ID: 7", "ID: seven"), 2, "expected 'ID: <number>' but found 'seven'");
        assertMessage(SMALL.replace("format:\n", "fields:\n"), 3, "expected 'format:'");
    }

    @Test
    void fieldLinesAreChecked() {
        assertMessage(SMALL.replace("\toffset:8;", ""), 6, "(no offset)");
        assertMessage(SMALL.replace("size:4", "size:four"), 6, "expected 'size:<number>' but found 'four'");
        assertMessage(SMALL.replace("signed:1", "signed:2"), 6, "expected 'signed:0' or 'signed:1'");
        assertMessage(SMALL.replace("field:int val;", "field:val;"), 6, "expected 'field:<type> <name>;'");
        assertMessage(SMALL.replace("\tfield:int val;", "\tfeld:int val;"), 6,
                "expected a 'field:<type> <name>;' line or 'print fmt:'");
        assertMessage(SMALL.replace("common_type", "val"), 6, "'val' appears again");
        assertMessage(small("{ 1, \"A\" }") + "extra\n", 9, "expected nothing after 'print fmt:'");
    }

    @Test
    void arrayAndDataLocFieldsKeepTheirTypes() throws Exception {
        TracepointFormat f = Fixtures.parseText(small("{ 1, \"A\" }").replace("\tfield:int val;\toffset:8;\tsize:4;\tsigned:1;",
                "\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
                + "\tfield:__data_loc char[] name;\toffset:24;\tsize:4;\tsigned:0;")
                .replace("REC->val", "REC->comm"));
        assertEquals(new TracepointField("char[16]", "comm", 8, 16, false), f.fields().get(0));
        assertEquals(new TracepointField("__data_loc char[]", "name", 24, 4, false), f.fields().get(1));
        assertEquals(28, f.rawSize());
    }

    @Test
    void signedIsOptionalAsOnVeryOldKernels() throws Exception {
        TracepointFormat f = Fixtures.parseText(small("{ 1, \"A\" }").replace("\tsigned:1;", ""));
        assertEquals(new TracepointField("int", "val", 8, 4, false), f.field("val").orElseThrow());
    }

    private static void assertMessage(String text, int line, String part) {
        TracefsFormatException e = fails(text);
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("line " + line + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' lacks '" + part + "'");
    }
}
