// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import java.io.IOException;

/**
 * A tracefs text file ({@code events/<system>/<event>/format} or {@code .../id}) is not what the
 * kernel writes, or describes a layout dropscope cannot decode.
 *
 * <p>The message follows one pattern: where ({@code line N} or {@code line N, column C}, both
 * 1-based), what was expected, and what was found instead, for example
 * {@code line 7: expected 'field:<type> <name>;' but found 'feld:void * skbaddr;'}. Layout
 * problems found after parsing (a field of the wrong size, a missing field) carry no line
 * number and name the field instead; {@link #line()} is then 0.
 *
 * <p>The grammar being checked is the one described in the kernel's
 * {@code Documentation/trace/events.rst}, section "Event formats".
 */
public final class TracefsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int line;

    /**
     * A problem at a known place in the input.
     *
     * @param line 1-based line number of the offending line
     * @param message what was expected and what was found
     */
    public TracefsFormatException(int line, String message) {
        super("line " + line + ": " + message);
        this.line = line;
    }

    /**
     * A problem that is not tied to one line, such as a field of the wrong size.
     *
     * @param message what was expected and what was found, naming the field
     */
    public TracefsFormatException(String message) {
        super(message);
        this.line = 0;
    }

    /**
     * The 1-based line the problem was found on.
     *
     * @return the line number, or 0 when the problem is not tied to one line
     */
    public int line() {
        return line;
    }
}
