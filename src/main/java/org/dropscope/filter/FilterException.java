// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

/**
 * A filter expression that cannot be used: says at which column (1-based) and what was expected,
 * e.g. {@code column 12: expected a value after '==', found '&&'}.
 */
public final class FilterException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int column;

    public FilterException(int column, String message) {
        super("column " + column + ": " + message);
        this.column = column;
    }

    /** The 1-based column of the offending character or token. */
    public int column() {
        return column;
    }
}
