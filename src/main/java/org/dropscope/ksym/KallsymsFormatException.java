// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import java.io.IOException;

/**
 * A kallsyms line that is neither a symbol nor one of the harmless shapes the parser skips.
 *
 * <p>The message names the 1-based line number and quotes the offending text (control characters
 * escaped, long lines shortened), for example
 * {@code kallsyms line 4: address is not hexadecimal: "ffffffffzz000000 T _stext"}.
 */
public final class KallsymsFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_QUOTED_CHARS = 160;

    private final int lineNumber;

    /** A problem with one line; {@code lineNumber} counts from 1. */
    public KallsymsFormatException(int lineNumber, String problem, CharSequence line) {
        super("kallsyms line " + lineNumber + ": " + problem + ": \"" + quote(line) + "\"");
        this.lineNumber = lineNumber;
    }

    /** A problem with the input as a whole (for example, it is empty). */
    public KallsymsFormatException(String problem) {
        super("kallsyms: " + problem);
        this.lineNumber = 0;
    }

    /** The 1-based number of the offending line, or 0 when the problem is not tied to a line. */
    public int lineNumber() {
        return lineNumber;
    }

    private static String quote(CharSequence line) {
        StringBuilder sb = new StringBuilder(Math.min(line.length(), MAX_QUOTED_CHARS) + 8);
        for (int i = 0; i < line.length(); i++) {
            if (sb.length() >= MAX_QUOTED_CHARS) {
                sb.append("...");
                break;
            }
            char c = line.charAt(i);
            if (c == '\t') {
                sb.append("\\t");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
