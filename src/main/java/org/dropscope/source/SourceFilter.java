// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dropscope.filter.DropFilter;
import org.dropscope.filter.Expr;
import org.dropscope.filter.Field;
import org.dropscope.filter.FilterException;
import org.dropscope.filter.FilterParser;
import org.dropscope.filter.Glob;
import org.dropscope.filter.KernelFilter;
import org.dropscope.ksym.SymbolTable;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.names.DropNames;
import org.dropscope.tracefs.DropReasons;

/**
 * A {@code --filter} expression (docs/filter.md) as a live source applies it: parsed before any
 * kernel resource is opened, then handed to the source ({@link DropSource#filter}) before it
 * starts. The tracepoint source gives the kernel what it can evaluate ({@link #translate}) and
 * tests the rest on its reader thread; NET_DM, which has no filters, tests all of it there. Either
 * way an event is tested before the aggregator counts it and before a recorder writes it.
 */
public final class SourceFilter {
    /** Keeps everything. */
    public static final SourceFilter NONE = new SourceFilter(null, null, null);

    /**
     * The kernel part's symbol ranges over the current table of {@code symbolizer}. Exact names
     * are found through an index built once per table, so that a filter naming thousands of
     * symbols costs one pass over kallsyms, not one per name; globs still scan.
     */
    private static final class Ranges implements KernelFilter.SymbolRanges {
        private final Symbolizer symbolizer;
        private SymbolTable indexed;
        private Map<String, List<long[]>> byName;

        Ranges(Symbolizer symbolizer) {
            this.symbolizer = symbolizer;
        }

        @Override
        public List<long[]> ranges(String pattern, boolean glob) {
            SymbolTable t = symbolizer.table();
            if (!glob) {
                return index(t).getOrDefault(pattern, List.of());
            }
            List<long[]> out = new ArrayList<>();
            for (int i = 0; i < t.size(); i++) {
                if (Glob.matches(pattern, t.name(i))) {
                    out.add(range(t, i));
                }
            }
            return out;
        }

        private Map<String, List<long[]>> index(SymbolTable t) {
            if (t != indexed) {
                byName = new HashMap<>();
                for (int i = 0; i < t.size(); i++) {
                    byName.computeIfAbsent(t.name(i), n -> new ArrayList<>()).add(range(t, i));
                }
                indexed = t;
            }
            return byName;
        }

        private static long[] range(SymbolTable t, int i) {
            return new long[] {t.address(i), t.address(i) + t.size(i)};
        }
    }

    private final String text;
    private final Expr expr;
    private final Symbolizer symbols;
    private final Ranges ranges;

    private SourceFilter(String text, Expr expr, Symbolizer symbols) {
        this.text = text;
        this.expr = expr;
        this.symbols = symbols;
        this.ranges = symbols == null ? null : new Ranges(symbols);
    }

    /**
     * Parses {@code text}.
     *
     * @param text the expression, or {@code null} for {@link #NONE}
     * @param symbols kallsyms, or {@code null} when dropscope runs without it ({@code -l none})
     * @throws FilterException a syntax error, or a symbol term without kallsyms to name locations
     */
    public static SourceFilter parse(String text, Symbolizer symbols) throws FilterException {
        if (text == null) {
            return NONE;
        }
        Expr expr = FilterParser.parse(text);
        if (symbols == null) {
            int column = symbolColumn(expr);
            if (column > 0) {
                throw new FilterException(column, "'symbol' needs the kernel's symbols: drop -l none");
            }
        }
        return new SourceFilter(text, expr, symbols);
    }

    /** The column of the first {@code symbol} comparison, or 0. */
    private static int symbolColumn(Expr e) {
        if (e instanceof Expr.Or || e instanceof Expr.And) {
            for (Expr term : e instanceof Expr.Or o ? o.terms() : ((Expr.And) e).terms()) {
                int column = symbolColumn(term);
                if (column > 0) {
                    return column;
                }
            }
            return 0;
        }
        if (e instanceof Expr.Not n) {
            return symbolColumn(n.operand());
        }
        Expr.Compare c = (Expr.Compare) e;
        return c.field() == Field.SYMBOL ? c.column() : 0;
    }

    /** Whether this filter keeps everything. */
    public boolean isNone() {
        return expr == null;
    }

    /** The expression as given, or {@code null}. */
    public String text() {
        return text;
    }

    /** The whole expression, to test in user space; {@code null} for none. */
    public Expr expr() {
        return expr;
    }

    /**
     * Splits the expression for the {@code skb:kfree_skb} tracepoint of the running kernel.
     *
     * @throws SourceException (kind {@link SourceException.Kind#USAGE}) naming a reason or symbol
     *     this kernel does not have, with the column
     */
    public KernelFilter translate(DropReasons reasons) throws SourceException {
        try {
            return KernelFilter.translate(expr, reasons, ranges);
        } catch (FilterException e) {
            throw new SourceException(SourceException.Kind.USAGE, "--filter: " + e.getMessage(), e);
        }
    }

    /**
     * The user-space test of {@code residual} (this filter's, or what the kernel left of it), with
     * the source's names and kallsyms' ({@link LiveNames}); {@code null} when there is nothing to test.
     *
     * @param source the source's names of its reason codes and trap ids (hardware drops' "symbols")
     */
    public DropFilter compile(Expr residual, DropNames source) {
        if (residual == null) {
            return null;
        }
        return DropFilter.compile(residual, new LiveNames(symbols, source, null));
    }
}
