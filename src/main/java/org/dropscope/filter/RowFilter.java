// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import java.util.List;

/**
 * A filter expression over the rows of an aggregated table, as {@code top}'s {@code /} key applies
 * it (docs/filter.md): a row has a symbol name and a reason name, nothing more; the counts behind
 * it add up every CPU, protocol and input port. So {@code reason} and {@code symbol} terms work
 * as in {@link DropFilter} (a row without a reason fails {@code ==} and {@code =~}), and
 * {@code cpu}, {@code protocol} and {@code ifindex} are refused with their column: those belong in
 * {@code top --filter}, which filters the events before they are counted.
 */
public final class RowFilter {
    /** The compiled expression. */
    @FunctionalInterface
    public interface Test {
        /**
         * @param symbol the row's function name (the location in hex when it does not resolve)
         * @param reason the row's reason name, {@code null} when the source gives none
         */
        boolean test(String symbol, String reason);
    }

    private RowFilter() {
    }

    /** Compiles {@code expr}; throws for a term a row cannot answer. */
    public static Test compile(Expr expr) throws FilterException {
        if (expr instanceof Expr.Or || expr instanceof Expr.And) {
            // A loop over the chain, as DropFilter's, stopping at the first term that decides it.
            boolean any = expr instanceof Expr.Or;
            Test[] terms = compile(DropFilter.merged(any ? ((Expr.Or) expr).terms() : ((Expr.And) expr).terms(), any));
            return (s, reason) -> {
                for (Test t : terms) {
                    if (t.test(s, reason) == any) {
                        return any;
                    }
                }
                return !any;
            };
        }
        if (expr instanceof Expr.Not n) {
            Test t = compile(n.operand());
            return (s, reason) -> !t.test(s, reason);
        }
        Expr.Compare c = (Expr.Compare) expr;
        if (c.op() == Op.NE || c.op() == Op.NOT_MATCH) {
            Test t = compile(new Expr.Compare(c.field(), c.op().negated(), c.values(), c.column()));
            return (s, reason) -> !t.test(s, reason);
        }
        switch (c.field()) {
            case REASON: {
                Words words = Words.of(c, true);
                return (s, reason) -> reason != null && words.matches(reason);
            }
            case SYMBOL: {
                Words words = Words.of(c, false);
                return (s, reason) -> words.matches(s);
            }
            default:
                throw new FilterException(c.column(), "'" + c.field().word() + "' is not a property of a row (rows"
                        + " add up every CPU, protocol and port): start top with --filter for it");
        }
    }

    private static Test[] compile(List<Expr> terms) throws FilterException {
        Test[] out = new Test[terms.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = compile(terms.get(i));
        }
        return out;
    }
}
