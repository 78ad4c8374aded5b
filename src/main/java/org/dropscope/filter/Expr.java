// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A parsed filter expression (docs/filter.md). {@link #toString()} gives it back in canonical
 * form, fully parenthesised where precedence needs it.
 */
public sealed interface Expr {
    /**
     * {@code terms[0] || terms[1] || ...}: one node however long the chain, so that nothing which
     * walks the tree recurses once per term. Never directly inside another {@code Or}.
     */
    record Or(List<Expr> terms) implements Expr {
        public Or {
            terms = List.copyOf(terms);
        }

        @Override
        public String toString() {
            return join(terms, " || ");
        }
    }

    /** {@code terms[0] && terms[1] && ...}, as {@link Or}. Never directly inside another {@code And}. */
    record And(List<Expr> terms) implements Expr {
        public And {
            terms = List.copyOf(terms);
        }

        @Override
        public String toString() {
            return join(terms, " && ");
        }
    }

    /**
     * The disjunction of {@code terms}: the one term itself, or an {@link Or} whose terms that
     * are themselves {@code Or}s are spliced in ({@code a || (b || c)} is {@code a || b || c}).
     */
    static Expr or(List<Expr> terms) {
        return chain(terms, true);
    }

    /** The conjunction of {@code terms}, as {@link #or}. */
    static Expr and(List<Expr> terms) {
        return chain(terms, false);
    }

    /** The terms of {@code e} if it is an {@code And}, else {@code e} alone. */
    static List<Expr> conjuncts(Expr e) {
        return e instanceof And a ? a.terms() : List.of(e);
    }

    /** The terms of {@code e} if it is an {@code Or}, else {@code e} alone. */
    static List<Expr> disjuncts(Expr e) {
        return e instanceof Or o ? o.terms() : List.of(e);
    }

    /** {@code !operand}. */
    record Not(Expr operand) implements Expr {
        @Override
        public String toString() {
            return operand instanceof Compare ? "!(" + operand + ")" : "!" + wrapAll(operand);
        }
    }

    /**
     * {@code field op value}, or {@code field in {values}}.
     *
     * @param column where the field name starts, for messages
     */
    record Compare(Field field, Op op, List<Value> values, int column) implements Expr {
        public Compare {
            values = List.copyOf(values);
        }

        /** The one value of a comparison that is not {@code in}. */
        public Value value() {
            return values.get(0);
        }

        @Override
        public String toString() {
            if (op == Op.IN) {
                return field.word() + " in {" + values.stream().map(this::show).collect(Collectors.joining(", ")) + "}";
            }
            return field.word() + " " + op.text() + " " + show(value());
        }

        /** Protocols in hexadecimal, as Ethertypes are written. */
        private String show(Value v) {
            return field == Field.PROTOCOL ? String.format("0x%04x", v.number()) : v.toString();
        }
    }

    /**
     * A literal: a number, or a word (name or glob).
     *
     * @param text the word as written, or {@code null} for a number
     * @param number the number, when {@code text} is null
     * @param column where it starts
     */
    record Value(String text, long number, int column) {
        public boolean isNumber() {
            return text == null;
        }

        @Override
        public String toString() {
            if (isNumber()) {
                return Long.toString(number);
            }
            return text.chars().allMatch(c -> FilterLexer.isWordChar(c)) ? text : '"' + text + '"';
        }
    }

    private static Expr chain(List<Expr> terms, boolean or) {
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("no terms");
        }
        if (terms.size() == 1) {
            return terms.get(0);
        }
        List<Expr> flat = new ArrayList<>(terms.size());
        for (Expr t : terms) {
            flat.addAll(or ? disjuncts(t) : conjuncts(t));
        }
        return or ? new Or(flat) : new And(flat);
    }

    /** The terms joined by {@code op}, each in parentheses where {@code &&} would otherwise bind it. */
    private static String join(List<Expr> terms, String op) {
        StringBuilder sb = new StringBuilder();
        for (Expr t : terms) {
            sb.append(sb.length() == 0 ? "" : op).append(t instanceof Or ? "(" + t + ")" : t.toString());
        }
        return sb.toString();
    }

    private static String wrapAll(Expr e) {
        return e instanceof Compare || e instanceof Not ? e.toString() : "(" + e + ")";
    }
}
