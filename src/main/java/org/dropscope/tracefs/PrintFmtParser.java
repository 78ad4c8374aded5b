// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the text after {@code print fmt: } in a tracepoint {@code format} file: checks the quoted
 * format string and pulls out every {@code __print_symbolic(...)} table.
 *
 * <p>The text is C-like: {@code "fmt", REC->a, __print_symbolic(REC->b, { 1, "X" }, ...)}. The
 * kernel prints the table values after substituting enum names with numbers
 * ({@code TRACE_DEFINE_ENUM}, see {@code Documentation/trace/events.rst} and
 * {@code include/trace/events/skb.h}). It prints them in decimal today; hex, octal, integer
 * suffixes and parentheses are accepted too. A value that is still an identifier means the
 * kernel did not resolve it, and is reported rather than guessed.
 */
final class PrintFmtParser {
    private static final String PRINT_SYMBOLIC = "__print_symbolic";
    private static final String PRINT_SYMBOLIC_U64 = "__print_symbolic_u64";
    private static final int SHOWN_CHARS = 60;

    private final String text;
    private final int line;
    private final int columnBase;
    private int pos;

    private PrintFmtParser(String text, int line, int columnBase) {
        this.text = text;
        this.line = line;
        this.columnBase = columnBase;
    }

    /**
     * Parses the {@code print fmt} text.
     *
     * @param text everything after {@code print fmt: } on that line
     * @param line the 1-based line number, for messages
     * @param columnBase the 1-based column of {@code text}'s first character in the line
     * @return the symbolic tables in the order they appear
     * @throws TracefsFormatException if the format string is unterminated or a table is malformed
     */
    static List<SymbolicTable> parse(String text, int line, int columnBase)
            throws TracefsFormatException {
        return new PrintFmtParser(text, line, columnBase).tables();
    }

    private List<SymbolicTable> tables() throws TracefsFormatException {
        skipSpace();
        expect('"', "the quoted format string");
        stringBody();
        List<SymbolicTable> tables = new ArrayList<>();
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                stringBody();
            } else if (isIdentifierStart(c)) {
                String word = identifier();
                if (word.equals(PRINT_SYMBOLIC) || word.equals(PRINT_SYMBOLIC_U64)) {
                    skipSpace();
                    expect('(', "'(' after " + word);
                    tables.add(symbolicTable());
                }
            } else {
                pos++;
            }
        }
        return List.copyOf(tables);
    }

    private SymbolicTable symbolicTable() throws TracefsFormatException {
        int start = pos;
        int depth = 0;
        while (true) {
            if (pos >= text.length()) {
                throw error("expected ',' after the first argument of __print_symbolic but the"
                        + " line ended");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                stringBody();
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (depth == 0) {
                    throw error("expected ',' and a { value, \"NAME\" } list after the first"
                            + " argument of __print_symbolic but found ')'");
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                break;
            }
            pos++;
        }
        String expression = text.substring(start, pos).trim();
        pos++;
        List<SymbolicTable.Entry> entries = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek() == ')') {
                pos++;
                return new SymbolicTable(expression, entries);
            }
            entries.add(entry(expression));
            skipSpace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ')') {
                pos++;
                return new SymbolicTable(expression, entries);
            } else {
                throw error("expected ',' or ')' after a __print_symbolic(" + expression
                        + ") entry but found " + found());
            }
        }
    }

    private SymbolicTable.Entry entry(String expression) throws TracefsFormatException {
        expect('{', "'{' to start a __print_symbolic(" + expression + ") entry");
        skipSpace();
        int valueStart = pos;
        while (pos < text.length() && text.charAt(pos) != ',' && text.charAt(pos) != '}') {
            pos++;
        }
        String token = text.substring(valueStart, pos).trim();
        long value = value(token, valueStart, expression);
        expect(',', "',' between the value and the name of a __print_symbolic(" + expression
                + ") entry");
        skipSpace();
        expect('"', "a quoted name in a __print_symbolic(" + expression + ") entry");
        String name = stringBody();
        skipSpace();
        expect('}', "'}' to close a __print_symbolic(" + expression + ") entry");
        return new SymbolicTable.Entry(value, name);
    }

    private long value(String token, int at, String expression) throws TracefsFormatException {
        String t = token;
        while (t.length() > 1 && t.charAt(0) == '(' && t.charAt(t.length() - 1) == ')') {
            t = t.substring(1, t.length() - 1).trim();
        }
        if (!t.isEmpty() && isIdentifierStart(t.charAt(0))
                && t.chars().allMatch(PrintFmtParser::isIdentifierPart)) {
            throw new TracefsFormatException(line, "column " + (columnBase + at)
                    + ": __print_symbolic(" + expression + ") has the symbolic name '" + t
                    + "' where a number is expected: this kernel did not resolve the enum"
                    + " (no TRACE_DEFINE_ENUM for it), so its numbers cannot be mapped to names;"
                    + " refusing to guess");
        }
        boolean negative = t.startsWith("-");
        String digits = negative ? t.substring(1).trim() : t;
        int end = digits.length();
        while (end > 0 && "uUlL".indexOf(digits.charAt(end - 1)) >= 0) {
            end--;
        }
        digits = digits.substring(0, end);
        try {
            long v;
            if (digits.startsWith("0x") || digits.startsWith("0X")) {
                v = Long.parseUnsignedLong(digits.substring(2), 16);
            } else if (digits.length() > 1 && digits.charAt(0) == '0') {
                v = Long.parseUnsignedLong(digits.substring(1), 8);
            } else {
                v = Long.parseUnsignedLong(digits);
            }
            return negative ? -v : v;
        } catch (NumberFormatException e) {
            throw new TracefsFormatException(line, "column " + (columnBase + at)
                    + ": expected a number (decimal or 0x hex) as a __print_symbolic("
                    + expression + ") value but found '" + shorten(token) + "'");
        }
    }

    /** Reads a C string body after its opening quote, through the closing quote. */
    private String stringBody() throws TracefsFormatException {
        StringBuilder sb = new StringBuilder();
        int start = pos - 1;
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\' && pos < text.length()) {
                char e = text.charAt(pos++);
                sb.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
            } else {
                sb.append(c);
            }
        }
        pos = start;
        throw error("expected a closing '\"' for the string starting here but the line ended"
                + " (file truncated?)");
    }

    private String identifier() {
        int start = pos;
        while (pos < text.length() && isIdentifierPart(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private void expect(char c, String what) throws TracefsFormatException {
        if (peek() != c) {
            throw error("expected " + what + " but found " + found());
        }
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private String found() {
        if (pos >= text.length()) {
            return "the end of the line (file truncated?)";
        }
        return "'" + shorten(text.substring(pos)) + "'";
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private TracefsFormatException error(String message) {
        return new TracefsFormatException(line, "column " + (columnBase + pos) + ": " + message);
    }

    static String shorten(String s) {
        return s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS) + "...";
    }

    private static boolean isIdentifierStart(int c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isIdentifierPart(int c) {
        return isIdentifierStart(c) || (c >= '0' && c <= '9');
    }
}
