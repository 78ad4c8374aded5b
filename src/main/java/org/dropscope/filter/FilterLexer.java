// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

/**
 * Splits a filter into tokens, keeping each token's 1-based column for messages. Words are
 * letters, digits and {@code _ . $ * ?} not starting with a digit (symbol names such as
 * {@code ip_rcv_finish_core.isra.0}, globs such as {@code udp_*}); numbers are decimal or
 * {@code 0x} hexadecimal; strings are double-quoted without escapes.
 */
final class FilterLexer {
    /** Token kinds. */
    enum Kind { WORD, NUMBER, STRING, OP, AND, OR, NOT, LPAREN, RPAREN, LBRACE, RBRACE, COMMA, END }

    /** One token: its kind, text (or number) and column. */
    record Token(Kind kind, String text, long number, int column) {
        String describe() {
            return kind == Kind.END ? "the end" : "'" + text + "'";
        }
    }

    private final String s;
    private int i;

    FilterLexer(String s) {
        this.s = s;
    }

    static boolean isWordChar(int c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$' || c == '*' || c == '?';
    }

    Token next() throws FilterException {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        int start = i;
        int col = start + 1;
        if (i == s.length()) {
            return new Token(Kind.END, "", 0, col);
        }
        char c = s.charAt(i);
        String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
        switch (two) {
            case "&&":
                i += 2;
                return new Token(Kind.AND, two, 0, col);
            case "||":
                i += 2;
                return new Token(Kind.OR, two, 0, col);
            case "==":
            case "!=":
            case "=~":
            case "!~":
            case "<=":
            case ">=":
                i += 2;
                return new Token(Kind.OP, two, 0, col);
            default:
                break;
        }
        switch (c) {
            case '<':
            case '>':
                i++;
                return new Token(Kind.OP, String.valueOf(c), 0, col);
            case '!':
                i++;
                return new Token(Kind.NOT, "!", 0, col);
            case '(':
                i++;
                return new Token(Kind.LPAREN, "(", 0, col);
            case ')':
                i++;
                return new Token(Kind.RPAREN, ")", 0, col);
            case '{':
                i++;
                return new Token(Kind.LBRACE, "{", 0, col);
            case '}':
                i++;
                return new Token(Kind.RBRACE, "}", 0, col);
            case ',':
                i++;
                return new Token(Kind.COMMA, ",", 0, col);
            case '"':
                return string(col);
            default:
                break;
        }
        if (Character.isDigit(c)) {
            return number(col);
        }
        if (isWordChar(c)) {
            while (i < s.length() && isWordChar(s.charAt(i))) {
                i++;
            }
            return new Token(Kind.WORD, s.substring(start, i), 0, col);
        }
        throw new FilterException(col, "unexpected character '" + c + "'");
    }

    private Token string(int col) throws FilterException {
        int end = s.indexOf('"', i + 1);
        if (end < 0) {
            throw new FilterException(col, "string not closed (expected: a closing '\"')");
        }
        String text = s.substring(i + 1, end);
        i = end + 1;
        return new Token(Kind.STRING, text, 0, col);
    }

    private Token number(int col) throws FilterException {
        int start = i;
        while (i < s.length() && isWordChar(s.charAt(i))) {
            i++;
        }
        String text = s.substring(start, i);
        try {
            boolean hex = text.startsWith("0x") || text.startsWith("0X");
            long v = hex ? Long.parseUnsignedLong(text.substring(2), 16) : Long.parseLong(text);
            return new Token(Kind.NUMBER, text, v, col);
        } catch (NumberFormatException e) {
            throw new FilterException(col, "malformed number '" + text + "' (expected: decimal, or hexadecimal after 0x)");
        }
    }
}
