// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * The one parser of dropscope's filter language (docs/filter.md), by recursive descent:
 *
 * <pre>
 * expr       = and { "||" and }
 * and        = unary { "&amp;&amp;" unary }
 * unary      = "!" unary | "(" expr ")" | comparison
 * comparison = field op value | field "in" "{" value { "," value } "}"
 * field      = "reason" | "symbol" | "protocol" | "cpu" | "ifindex"
 * op         = "==" | "!=" | "=~" | "!~" | "&lt;" | "&lt;=" | "&gt;" | "&gt;="
 * value      = number | word | string
 * </pre>
 *
 * Chains of {@code ||} and {@code &&} become one n-ary {@link Expr.Or} or {@link Expr.And} each;
 * {@code (} and {@code !} may nest at most {@value #MAX_DEPTH} deep.
 *
 * Each field takes only the operators and values that mean something for it ({@link Field});
 * anything else is a {@link FilterException} naming the column and what was expected.
 */
public final class FilterParser {
    /**
     * How deep {@code (} and {@code !} may nest, together (docs/filter.md). Deeper is refused at
     * the column of the first token past it, so that neither the parser nor anything that walks
     * the tree (evaluation, translation for the kernel) can overflow its stack; chains of
     * {@code ||} and {@code &&} are not nesting and have no limit.
     */
    public static final int MAX_DEPTH = 256;

    private final FilterLexer lexer;
    private FilterLexer.Token token;
    private int depth;

    private FilterParser(String text) throws FilterException {
        lexer = new FilterLexer(text);
        token = lexer.next();
    }

    /** Parses a whole filter expression. */
    public static Expr parse(String text) throws FilterException {
        FilterParser p = new FilterParser(text);
        if (p.token.kind() == FilterLexer.Kind.END) {
            throw new FilterException(1, "empty filter (expected: a comparison such as reason == NO_SOCKET)");
        }
        Expr e = p.or();
        if (p.token.kind() != FilterLexer.Kind.END) {
            throw p.expected("'&&', '||' or the end");
        }
        return e;
    }

    private Expr or() throws FilterException {
        List<Expr> terms = new ArrayList<>();
        terms.add(and());
        while (token.kind() == FilterLexer.Kind.OR) {
            advance();
            terms.add(and());
        }
        return Expr.or(terms);
    }

    private Expr and() throws FilterException {
        List<Expr> terms = new ArrayList<>();
        terms.add(unary());
        while (token.kind() == FilterLexer.Kind.AND) {
            advance();
            terms.add(unary());
        }
        return Expr.and(terms);
    }

    private Expr unary() throws FilterException {
        boolean not = token.kind() == FilterLexer.Kind.NOT;
        if (!not && token.kind() != FilterLexer.Kind.LPAREN) {
            return comparison();
        }
        // The only recursion, and so the only place the parser's depth grows: each level costs
        // three stack frames whatever the length of the chains around it.
        if (depth == MAX_DEPTH) {
            throw new FilterException(token.column(), "nesting deeper than " + MAX_DEPTH + " levels of '(' and '!'"
                    + " (expected: at most " + MAX_DEPTH + "; chains of || and && need no parentheses)");
        }
        depth++;
        advance();
        Expr e;
        if (not) {
            e = new Expr.Not(unary());
        } else {
            e = or();
            expect(FilterLexer.Kind.RPAREN, "')'");
        }
        depth--;
        return e;
    }

    private Expr comparison() throws FilterException {
        if (token.kind() != FilterLexer.Kind.WORD || Field.of(token.text()) == null) {
            throw expected("a field (reason, symbol, protocol, cpu, ifindex), '!' or '('");
        }
        Field field = Field.of(token.text());
        int column = token.column();
        advance();
        Op op = op();
        int opColumn = token.column();
        if (op == null) {
            throw expected("an operator after '" + field.word() + "' (==, !=, =~, !~, <, <=, >, >=, in)");
        }
        if (!field.takes(op)) {
            throw new FilterException(opColumn, "'" + field.word()
                    + "' does not take '" + op.text() + "' (expected: " + opsOf(field) + ")");
        }
        advance();
        List<Expr.Value> values = new ArrayList<>();
        if (op == Op.IN) {
            expect(FilterLexer.Kind.LBRACE, "'{' after 'in'");
            values.add(value(field, op));
            while (token.kind() == FilterLexer.Kind.COMMA) {
                advance();
                values.add(value(field, op));
            }
            expect(FilterLexer.Kind.RBRACE, "',' or '}'");
        } else {
            values.add(value(field, op));
        }
        return new Expr.Compare(field, op, values, column);
    }

    private Op op() {
        if (token.kind() == FilterLexer.Kind.WORD && token.text().equals("in")) {
            return Op.IN;
        }
        if (token.kind() != FilterLexer.Kind.OP) {
            return null;
        }
        for (Op o : Op.values()) {
            if (o.text().equals(token.text())) {
                return o;
            }
        }
        return null;
    }

    private Expr.Value value(Field field, Op op) throws FilterException {
        FilterLexer.Token t = token;
        Expr.Value v;
        switch (t.kind()) {
            case NUMBER:
                if (field == Field.SYMBOL) {
                    throw new FilterException(t.column(), "expected a symbol name, found the number " + t.text());
                }
                v = new Expr.Value(null, t.number(), t.column());
                break;
            case WORD:
            case STRING:
                v = word(field, t);
                break;
            default:
                throw expected("a value after '" + op.text() + "'");
        }
        if ((op == Op.MATCH || op == Op.NOT_MATCH) && v.isNumber()) {
            throw new FilterException(t.column(), "expected a name or glob after '" + op.text() + "', found a number");
        }
        advance();
        return v;
    }

    private static Expr.Value word(Field field, FilterLexer.Token t) throws FilterException {
        if (field == Field.PROTOCOL) {
            int p = EtherTypes.valueOf(t.text());
            if (p < 0) {
                throw new FilterException(t.column(), "unknown protocol '" + t.text() + "' (expected: a number such as"
                        + " 0x0800, or " + EtherTypes.names() + ")");
            }
            return new Expr.Value(null, p, t.column());
        }
        if (field.numeric()) {
            throw new FilterException(t.column(), "expected a number for '" + field.word() + "', found '" + t.text()
                    + "'");
        }
        return new Expr.Value(t.text(), 0, t.column());
    }

    private void expect(FilterLexer.Kind kind, String what) throws FilterException {
        if (token.kind() != kind) {
            throw expected(what);
        }
        advance();
    }

    private FilterException expected(String what) {
        return new FilterException(token.column(), "expected " + what + ", found " + token.describe());
    }

    private void advance() throws FilterException {
        token = lexer.next();
    }

    private static String opsOf(Field f) {
        StringBuilder sb = new StringBuilder();
        for (Op o : Op.values()) {
            if (f.takes(o)) {
                sb.append(sb.length() == 0 ? "" : ", ").append(o.text());
            }
        }
        return sb.toString();
    }
}
