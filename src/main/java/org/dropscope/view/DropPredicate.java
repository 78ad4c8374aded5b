// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import java.util.Locale;
import java.util.regex.Pattern;
import org.dropscope.filter.FilterException;
import org.dropscope.filter.FilterParser;
import org.dropscope.filter.RowFilter;

/**
 * Which counted drops a view shows, decided per row of the aggregator: where (the function's
 * symbol), why (the reason) and on which CPU. {@code top}'s {@code /} filter is one: a part of a
 * name, or an expression of the filter language ({@link #of}).
 *
 * <p>The aggregator counts per (location, reason, stack), not per CPU, so views pass
 * {@link #ANY_CPU} until it does; a predicate on the CPU has to treat that as "unknown".
 */
@FunctionalInterface
public interface DropPredicate {
    /** The CPU of a row that counts drops of every CPU. */
    int ANY_CPU = -1;

    /** A character of the filter language's operators and brackets. */
    Pattern OPERATOR = Pattern.compile("[=!<>&|(){}]");

    /** Keeps everything. */
    DropPredicate ALL = (symbol, reason, cpu) -> true;

    /**
     * @param symbol the function's name, or the location in hex when it does not resolve
     * @param reason the reason's name, {@code null} when the source gives none
     * @param cpu the CPU, or {@link #ANY_CPU}
     */
    boolean test(String symbol, String reason, int cpu);

    /** Both this and {@code other}. */
    default DropPredicate and(DropPredicate other) {
        return (symbol, reason, cpu) -> test(symbol, reason, cpu) && other.test(symbol, reason, cpu);
    }

    /**
     * What is typed at {@code top}'s {@code /} prompt: an expression of the filter language
     * (docs/filter.md; {@code reason} and {@code symbol} terms, see {@link RowFilter}) when it has
     * an operator, bracket or brace in it, which no kernel name has; otherwise {@link #substring}.
     *
     * @throws FilterException for an expression that does not parse or tests what rows lack
     */
    static DropPredicate of(String text) throws FilterException {
        if (!OPERATOR.matcher(text).find()) {
            return substring(text);
        }
        RowFilter.Test t = RowFilter.compile(FilterParser.parse(text));
        return (symbol, reason, cpu) -> t.test(symbol, reason);
    }

    /**
     * Rows whose symbol or reason contains {@code text}, ignoring case; everything when it is
     * empty.
     */
    static DropPredicate substring(String text) {
        if (text.isEmpty()) {
            return ALL;
        }
        String t = text.toLowerCase(Locale.ROOT);
        return (symbol, reason, cpu) -> symbol.toLowerCase(Locale.ROOT).contains(t)
                || reason != null && reason.toLowerCase(Locale.ROOT).contains(t);
    }
}
