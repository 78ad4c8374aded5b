// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Filters of the shapes scripts write: long flat chains of {@code ||} or {@code &&}, and deep
 * nesting, for the tests of every consumer of the language.
 */
public final class LongFilters {
    /** The message of nesting one level past {@link FilterParser#MAX_DEPTH}, after the column. */
    public static final String TOO_DEEP = "nesting deeper than 256 levels of '(' and '!' (expected: at most 256;"
            + " chains of || and && need no parentheses)";

    private LongFilters() {
    }

    /** {@code term(0) op term(1) op ... term(n - 1)}. */
    public static String chain(int n, IntFunction<String> term, String op) {
        return IntStream.range(0, n).mapToObj(term).collect(Collectors.joining(op));
    }

    /** {@code inner} inside {@code depth} repetitions of {@code open} and of {@code close}. */
    public static String nested(int depth, String open, String inner, String close) {
        return open.repeat(depth) + inner + close.repeat(depth);
    }
}
