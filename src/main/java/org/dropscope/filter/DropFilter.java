// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropSink;

/**
 * A compiled filter expression: tests events in user space (report, and whatever part of a live
 * filter the kernel cannot evaluate, see {@link KernelFilter}).
 *
 * <p>Semantics (docs/filter.md): reason names compare without regard to case and with or without
 * the {@code SKB_DROP_REASON_} prefix; symbol names exactly; {@code =~} and {@code !~} take globs.
 * A name comparison on an event without that name (no reason, an unresolvable location) is
 * false, and {@code !=}, {@code !~} are the negations of {@code ==}, {@code =~}, so they are true
 * there. Numbers compare as they are; an unknown protocol or ifindex is 0, as in the kernel. Names are looked up once per distinct value in a row: each comparison remembers its
 * last code or location and answer, since drops come in bursts from one place. Testing allocates
 * nothing. Not thread-safe: one instance per thread.
 */
public final class DropFilter {
    private static final String REASON_PREFIX = "SKB_DROP_REASON_";

    /** One compiled node. */
    private interface Node {
        boolean test(DropEvent e);
    }

    private final Node root;

    private DropFilter(Node root) {
        this.root = root;
    }

    /** A filter that keeps every event. */
    public static DropFilter all() {
        return new DropFilter(e -> true);
    }

    /** Compiles {@code expr}, naming codes and locations through {@code names}. */
    public static DropFilter compile(Expr expr, FilterContext names) {
        return new DropFilter(node(expr, names));
    }

    /** Whether {@code event} passes. */
    public boolean test(DropEvent event) {
        return root.test(event);
    }

    private static Node node(Expr expr, FilterContext names) {
        if (expr instanceof Expr.Or o) {
            return new ChainNode(nodes(o.terms(), names), true);
        }
        if (expr instanceof Expr.And a) {
            return new ChainNode(nodes(a.terms(), names), false);
        }
        if (expr instanceof Expr.Not) {
            Node n = node(((Expr.Not) expr).operand(), names);
            return e -> !n.test(e);
        }
        Expr.Compare c = (Expr.Compare) expr;
        if (c.op() == Op.NE || c.op() == Op.NOT_MATCH) {
            Node n = compare(new Expr.Compare(c.field(), c.op().negated(), c.values(), c.column()), names);
            return e -> !n.test(e);
        }
        return compare(c, names);
    }

    private static Node[] nodes(List<Expr> terms, FilterContext names) {
        Node[] out = new Node[terms.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node(terms.get(i), names);
        }
        return out;
    }

    /**
     * An {@code ||} chain ({@code any}) or an {@code &&} chain: a loop over its terms, not a nest
     * of lambdas, however long it is; it stops at the first term that decides it.
     */
    private static final class ChainNode implements Node {
        private final Node[] terms;
        private final boolean any;

        ChainNode(Node[] terms, boolean any) {
            this.terms = terms;
            this.any = any;
        }

        @Override
        public boolean test(DropEvent e) {
            for (Node n : terms) {
                if (n.test(e) == any) {
                    return any;
                }
            }
            return !any;
        }
    }

    private static Node compare(Expr.Compare c, FilterContext names) {
        switch (c.field()) {
            case CPU:
                return e -> number(c, e.cpu());
            case IFINDEX:
                return e -> number(c, Integer.toUnsignedLong(e.ifindex()));
            case PROTOCOL:
                return e -> number(c, e.protocol());
            case REASON:
                return new ReasonNode(c, names);
            default:
                return new SymbolNode(c, names);
        }
    }

    private static boolean number(Expr.Compare c, long v) {
        long x = c.value().number();
        switch (c.op()) {
            case EQ:
                return v == x;
            case LT:
                return v < x;
            case LE:
                return v <= x;
            case GT:
                return v > x;
            case GE:
                return v >= x;
            default:
                // Indexed, not for-each: an iterator per test would be the filter's only allocation.
                List<Expr.Value> in = c.values();
                for (int i = 0; i < in.size(); i++) {
                    if (in.get(i).number() == v) {
                        return true;
                    }
                }
                return false;
        }
    }

    /**
     * The comparison's words as they are matched: a reason's without the {@code SKB_DROP_REASON_}
     * prefix and upper case, so that matching a name allocates nothing.
     */
    static String[] words(Expr.Compare c, boolean ignoreCase) {
        List<String> out = new ArrayList<>();
        for (Expr.Value v : c.values()) {
            if (v.isNumber()) {
                continue;
            }
            String w = v.text();
            if (ignoreCase && w.regionMatches(true, 0, REASON_PREFIX, 0, REASON_PREFIX.length())) {
                w = w.substring(REASON_PREFIX.length());
            }
            out.add(ignoreCase ? w.toUpperCase(Locale.ROOT) : w);
        }
        return out.toArray(new String[0]);
    }

    /** Whether {@code name} (never null) matches one of {@code words} (from {@link #words(Expr.Compare, boolean)}). */
    static boolean matches(String[] words, boolean glob, String name, boolean ignoreCase) {
        for (String w : words) {
            boolean hit = glob ? Glob.matches(w, name, ignoreCase)
                    : (ignoreCase ? w.equalsIgnoreCase(name) : w.equals(name));
            if (hit) {
                return true;
            }
        }
        return false;
    }

    /**
     * A name comparison that remembers its last key (a reason code, or an origin and location)
     * and answer, so that a run of equal events asks for names once.
     */
    private abstract static class Remembering implements Node {
        final Expr.Compare c;
        final FilterContext names;
        final boolean glob;
        final String[] words;
        private boolean seen;
        private long lastKey;
        private int lastTag;
        private boolean lastAnswer;

        Remembering(Expr.Compare c, FilterContext names, boolean ignoreCase) {
            this.c = c;
            this.names = names;
            this.glob = c.op() == Op.MATCH;
            this.words = words(c, ignoreCase);
        }

        @Override
        public final boolean test(DropEvent e) {
            long key = key(e);
            int tag = e.origin().code();
            if (!seen || key != lastKey || tag != lastTag) {
                lastAnswer = answer(e);
                lastKey = key;
                lastTag = tag;
                seen = true;
            }
            return lastAnswer;
        }

        abstract long key(DropEvent e);

        abstract boolean answer(DropEvent e);
    }

    /** A reason comparison. */
    private static final class ReasonNode extends Remembering {
        ReasonNode(Expr.Compare c, FilterContext names) {
            super(c, names, true);
        }

        @Override
        long key(DropEvent e) {
            return e.reason();
        }

        @Override
        boolean answer(DropEvent e) {
            int code = e.reason();
            if (code == DropSink.NO_REASON) {
                return false;
            }
            List<Expr.Value> values = c.values();
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i).isNumber() && values.get(i).number() == code) {
                    return true;
                }
            }
            String name = names.reason(code);
            return name != null && matches(words, glob, name, true);
        }
    }

    /** A symbol comparison. */
    private static final class SymbolNode extends Remembering {
        SymbolNode(Expr.Compare c, FilterContext names) {
            super(c, names, false);
        }

        @Override
        long key(DropEvent e) {
            return e.location();
        }

        @Override
        boolean answer(DropEvent e) {
            String name = names.symbol(e.origin(), e.location());
            return name != null && matches(words, glob, name, false);
        }
    }
}
