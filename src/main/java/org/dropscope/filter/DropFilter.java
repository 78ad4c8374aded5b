// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.DropNames;

/**
 * A compiled filter expression: tests events in user space (report, and whatever part of a live
 * filter the kernel cannot evaluate, see {@link KernelFilter}).
 *
 * <p>Semantics (docs/filter.md): reason names compare without regard to case and with or without
 * the {@code SKB_DROP_REASON_} prefix; symbol names exactly; {@code =~} and {@code !~} take globs.
 * A name comparison on an event without that name (no reason, an unresolvable location) is
 * false, and {@code !=}, {@code !~} are the negations of {@code ==}, {@code =~}, so they are true
 * there. Numbers compare as they are; an unknown protocol or ifindex is 0, as in the kernel.
 *
 * <p>Names are looked up once per distinct value in a row: each comparison remembers its last
 * code or location and answer, since drops come in bursts from one place. A chain of
 * {@code ||} or {@code &&} is a loop over its terms, its equality tests of one field merged into
 * one set ({@link #merged}). Testing allocates nothing. Not thread-safe: one instance per thread.
 */
public final class DropFilter {
    /** One compiled node. */
    private interface Node {
        boolean test(DropEvent e);
    }

    /** The longest chain compiled as nested lambdas rather than a loop ({@link #chain}). */
    private static final int SHORT_CHAIN = 8;

    private final Node root;

    private DropFilter(Node root) {
        this.root = root;
    }

    /** Compiles {@code expr}, naming codes and locations through {@code names}. */
    public static DropFilter compile(Expr expr, DropNames names) {
        return new DropFilter(node(expr, names));
    }

    /** Whether {@code event} passes. */
    public boolean test(DropEvent event) {
        return root.test(event);
    }

    private static Node node(Expr expr, DropNames names) {
        if (expr instanceof Expr.Or o) {
            return chain(o.terms(), true, names);
        }
        if (expr instanceof Expr.And a) {
            return chain(a.terms(), false, names);
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

    private static Node chain(List<Expr> chain, boolean any, DropNames names) {
        List<Expr> terms = merged(chain, any);
        Node[] nodes = new Node[terms.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = node(terms.get(i), names);
        }
        return chain(nodes, 0, nodes.length, any);
    }

    /**
     * The chain of {@code terms[from..to)}: {@code ||} if {@code any}, else {@code &&}. Up to
     * {@value #SHORT_CHAIN} terms, a balanced nest of two-term lambdas (at most three deep), whose
     * call sites each see few node classes, so the JIT inlines them as it did binary nodes; longer
     * chains, a {@link ChainNode} loop, so that depth never grows with a chain's length.
     */
    private static Node chain(Node[] terms, int from, int to, boolean any) {
        if (to - from == 1) {
            return terms[from];
        }
        if (to - from > SHORT_CHAIN) {
            return new ChainNode(Arrays.copyOfRange(terms, from, to), any);
        }
        int mid = (from + to) >>> 1;
        Node l = chain(terms, from, mid, any);
        Node r = chain(terms, mid, to, any);
        return any ? e -> l.test(e) || r.test(e) : e -> l.test(e) && r.test(e);
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

    /**
     * The terms of a chain with the equality tests of each field made one {@code in} test, which
     * {@link Words} answers with one lookup: in an {@code ||} chain the {@code f == a} and
     * {@code f in {...}} terms, in an {@code &&} chain the {@code f != a} terms (as
     * {@code !(f in {...})}, the same answer on an event without the name). So a chain naming
     * 50,000 symbols costs one hash lookup per distinct location, not 50,000 tests.
     */
    static List<Expr> merged(List<Expr> terms, boolean or) {
        Map<Field, List<Expr.Value>> values = new EnumMap<>(Field.class);
        Map<Field, Integer> at = new EnumMap<>(Field.class);
        List<Expr> out = new ArrayList<>(terms.size());
        for (Expr t : terms) {
            if (t instanceof Expr.Compare c && (or ? c.op() == Op.EQ || c.op() == Op.IN : c.op() == Op.NE)) {
                List<Expr.Value> v = values.get(c.field());
                if (v != null) {
                    v.addAll(c.values());
                    continue;
                }
                values.put(c.field(), new ArrayList<>(c.values()));
                at.put(c.field(), out.size());
            }
            out.add(t);
        }
        for (Map.Entry<Field, Integer> e : at.entrySet()) {
            Expr.Compare c = (Expr.Compare) out.get(e.getValue());
            List<Expr.Value> v = values.get(e.getKey());
            if (v.size() > c.values().size()) {
                Expr.Compare in = new Expr.Compare(c.field(), Op.IN, v, c.column());
                out.set(e.getValue(), or ? in : new Expr.Not(in));
            }
        }
        return out;
    }

    private static Node compare(Expr.Compare c, DropNames names) {
        switch (c.field()) {
            case CPU: {
                Numbers n = new Numbers(c);
                return e -> n.test(e.cpu());
            }
            case IFINDEX: {
                Numbers n = new Numbers(c);
                return e -> n.test(Integer.toUnsignedLong(e.ifindex()));
            }
            case PROTOCOL: {
                Numbers n = new Numbers(c);
                return e -> n.test(e.protocol());
            }
            case REASON:
                return new ReasonNode(c, names);
            default:
                return new SymbolNode(c, names);
        }
    }

    /** A number comparison (never {@code !=}: {@link #node} negates {@code ==}). */
    private static final class Numbers {
        private final Op op;
        private final long x;
        private final Words in;

        Numbers(Expr.Compare c) {
            this.op = c.op();
            this.x = c.value().number();
            this.in = Words.of(c, false);
        }

        boolean test(long v) {
            switch (op) {
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
                    return in.hasNumber(v);
            }
        }
    }

    /**
     * A name comparison that remembers its last key (a reason code, or an origin and location)
     * and answer, so that a run of equal events asks for names once.
     */
    private abstract static class Remembering implements Node {
        final Expr.Compare c;
        final DropNames names;
        final Words words;
        private boolean seen;
        private long lastKey;
        private int lastTag;
        private boolean lastAnswer;

        Remembering(Expr.Compare c, DropNames names, boolean ignoreCase) {
            this.c = c;
            this.names = names;
            this.words = Words.of(c, ignoreCase);
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
        ReasonNode(Expr.Compare c, DropNames names) {
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
            if (words.hasNumber(code)) {
                return true;
            }
            String name = names.reason(code);
            return name != null && words.matches(name);
        }
    }

    /** A symbol comparison. */
    private static final class SymbolNode extends Remembering {
        SymbolNode(Expr.Compare c, DropNames names) {
            super(c, names, false);
        }

        @Override
        long key(DropEvent e) {
            return e.location();
        }

        @Override
        boolean answer(DropEvent e) {
            // A hardware drop's "symbol" is its trap: the location is the trap's id.
            String name = e.origin() == DropOrigin.HARDWARE ? names.trap((int) e.location())
                    : names.symbol(e.location());
            return name != null && words.matches(name);
        }
    }
}
