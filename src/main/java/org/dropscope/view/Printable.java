// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

/**
 * Text that came from a file or the kernel (symbols, reason and trap names, device names, host
 * names, error messages quoting them), made safe to print on a terminal. A record file or a
 * capture can hold any bytes in its strings, and a terminal obeys some of them: ESC starts a
 * sequence that can clear the screen or set the window title, CR and BS overwrite what was
 * printed, C1 controls (U+0080 to U+009F) act as ESC sequences on some terminals, and the Unicode
 * bidirectional controls make text read in another order than it is stored. Every printer passes
 * such text through {@link #text} (free text) or {@link #word} (a name that scripts take as one
 * whitespace-separated field).
 *
 * <p>Escaped, each as a visible sequence of printable ASCII without spaces ({@code \xHH} up to
 * U+00FF, <code>&#92;uHHHH</code> in the rest of the BMP, {@code \UHHHHHHHH} above it):
 * <ul>
 * <li>C0 controls, DEL and C1 controls (Unicode general category Cc): ESC is {@code \x1b}, CR
 *     {@code \x0d}, TAB {@code \x09};</li>
 * <li>format characters (Cf: the bidi embeddings, overrides and isolates U+202A to U+202E and
 *     U+2066 to U+2069, the marks U+200E, U+200F and U+061C, zero-width characters, soft hyphen,
 *     BOM), the line and paragraph separators U+2028 and U+2029, noncharacters (U+FFFE, U+FFFF,
 *     U+FDD0 to U+FDEF and their kin in every plane) and unpaired surrogates;</li>
 * <li>with {@link #word}, also every space character (ASCII space as {@code \x20}, NBSP as
 *     {@code \xa0}, the other Unicode spaces), so the name stays one field.</li>
 * </ul>
 * Everything else, ordinary non-ASCII letters included, is printed as it is; a string with
 * nothing to escape is returned itself, so kernel names cost one scan of their characters.
 *
 * <p>The backslash is left as it is. A name that holds the four characters {@code \x1b} prints
 * like one that holds ESC, but escaping is idempotent: a message that quotes an already escaped
 * name (as kallsyms errors do) can be passed through again without doubling its backslashes.
 */
public final class Printable {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Printable() {
    }

    /** {@code s} with controls and invisible formatting characters escaped; {@code null} stays {@code null}. */
    public static String text(String s) {
        return escape(s, false);
    }

    /** {@code s} escaped as {@link #text} does, and its spaces too, so that it stays one word. */
    public static String word(String s) {
        return escape(s, true);
    }

    /**
     * Whether {@code codePoint} is a character a terminal may act on or that prints as nothing:
     * a control (Cc), a format character (Cf), a line or paragraph separator, a noncharacter or a
     * surrogate code unit. These are what {@link #text} escapes; JSON
     * output escapes the same set with its own <code>&#92;uHHHH</code>.
     */
    public static boolean unsafe(int codePoint) {
        if (codePoint >= 0x20 && codePoint < 0x7f) {
            return false;
        }
        switch (Character.getType(codePoint)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.SURROGATE:
                return true;
            default:
                return (codePoint & 0xfffe) == 0xfffe || codePoint >= 0xfdd0 && codePoint <= 0xfdef;
        }
    }

    private static boolean escaped(int codePoint, boolean word) {
        return unsafe(codePoint) || word && (codePoint == ' ' || Character.isSpaceChar(codePoint)
                || Character.isWhitespace(codePoint));
    }

    private static String escape(String s, boolean word) {
        if (s == null) {
            return null;
        }
        int i = 0;
        int n = s.length();
        // The common case: printable ASCII (for a word, other than the space).
        while (i < n) {
            char c = s.charAt(i);
            if (c > (word ? ' ' : 0x1f) && c < 0x7f) {
                i++;
            } else if (c >= 0x7f && !escaped(s.codePointAt(i), word)) {
                i += Character.charCount(s.codePointAt(i));
            } else {
                break;
            }
        }
        if (i == n) {
            return s;
        }
        StringBuilder sb = new StringBuilder(n + 16).append(s, 0, i);
        while (i < n) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (!escaped(cp, word)) {
                sb.appendCodePoint(cp);
            } else if (cp <= 0xff) {
                sb.append("\\x").append(HEX[cp >> 4]).append(HEX[cp & 0xf]);
            } else if (cp <= 0xffff) {
                sb.append("\\u");
                hex(sb, cp, 4);
            } else {
                sb.append("\\U");
                hex(sb, cp, 8);
            }
        }
        return sb.toString();
    }

    private static void hex(StringBuilder sb, int value, int digits) {
        for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
            sb.append(HEX[value >> shift & 0xf]);
        }
    }
}
