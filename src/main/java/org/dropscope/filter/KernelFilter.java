// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.dropscope.tracefs.DropReasons;

/**
 * Splits a filter into what the kernel can evaluate on {@code skb:kfree_skb} before it writes a
 * sample, as a tracepoint filter string (Documentation/trace/events.rst, "Event filtering"; set
 * on a perf event with {@code PERF_EVENT_IOC_SET_FILTER}, perf_event_open(2)), and the rest, to be
 * evaluated in user space with {@link DropFilter}.
 *
 * <p>The expression's top-level {@code &&} terms are translated one by one; a term goes to the
 * kernel only if all of it can. The tracepoint's fields are {@code skbaddr}, {@code location},
 * {@code protocol}, {@code reason} and, since 6.11, {@code rx_sk} (include/trace/events/skb.h):
 * <ul>
 *   <li>{@code reason}: names become this kernel's numbers, from its own format file (they differ
 *       between kernels); a glob becomes the set of codes whose names match;</li>
 *   <li>{@code protocol}: the field is {@code ntohs(skb->protocol)}, so numbers go as they are;</li>
 *   <li>{@code symbol}: becomes address ranges of {@code location}, when a symbol table is given
 *       and the names match at most {@value #MAX_RANGES} symbols;</li>
 *   <li>{@code cpu} and {@code ifindex} are not fields of the event: user space.</li>
 * </ul>
 * Negations are pushed down to the comparisons ({@code !(a && b)} becomes {@code !a || !b}, with
 * the operators inverted), so the string uses no {@code !} and suits every kernel's filter parser.
 * The kernel takes at most a page: {@code PERF_EVENT_IOC_SET_FILTER} copies the string with
 * {@code strndup_user(arg, PAGE_SIZE)} (kernel/events/core.c, EINVAL if longer, so 4,095
 * characters and the NUL on 4 KiB pages), and the tracefs {@code filter} file refuses a write of
 * {@code PAGE_SIZE} bytes or more (event_filter_write, kernel/trace/trace_events.c); its parser
 * (predicate_parse, kernel/trace/trace_events_filter.c) keeps parentheses on a stack sized by
 * counting them, so nesting has no limit of its own there. So the string is kept to
 * {@value #MAX_LENGTH} characters: top-level terms that do not fit, and any term (an {@code ||}
 * chain, a long {@code in} list) longer than that by itself, stay in user space and the run goes
 * on with them there.
 *
 * @param tracefs the filter string for the kernel, or {@code null} if no term can go there
 * @param residual what user space must still test, or {@code null} if the kernel does it all
 */
public record KernelFilter(String tracefs, Expr residual) {
    static final int MAX_RANGES = 32;
    static final int MAX_LENGTH = 4000;
    private static final String AND = " && ";

    /** Address ranges of the symbols a name or glob names, from the recording kernel's kallsyms. */
    public interface SymbolRanges {
        /**
         * @param pattern a symbol name, or a glob if {@code glob}
         * @return {@code [start, end)} pairs, one per matching symbol; empty if none matches
         */
        List<long[]> ranges(String pattern, boolean glob);
    }

    /**
     * Translates {@code expr} for the running kernel.
     *
     * @param reasons the kernel's reason table ({@link DropReasons#from})
     * @param symbols symbol ranges, or {@code null} to leave symbol terms to user space
     * @throws FilterException a reason or symbol this kernel does not have, or a reason filter on a
     *     kernel without drop reasons (before 5.17)
     */
    public static KernelFilter translate(Expr expr, DropReasons reasons, SymbolRanges symbols)
            throws FilterException {
        Translator t = new Translator(reasons, symbols);
        StringBuilder kernel = new StringBuilder();
        List<Expr> residual = new ArrayList<>();
        for (Expr term : Expr.conjuncts(expr)) {
            String k = t.kernel(term, false);
            int length = kernel.length() == 0 ? 0 : kernel.length() + AND.length();
            if (k != null && length + k.length() <= MAX_LENGTH) {
                kernel.append(kernel.length() == 0 ? "" : AND).append(k);
            } else {
                residual.add(term);
            }
        }
        return new KernelFilter(kernel.length() == 0 ? null : kernel.toString(),
                residual.isEmpty() ? null : Expr.and(residual));
    }

    /** One translation: the kernel's tables. */
    private static final class Translator {
        private final DropReasons reasons;
        private final SymbolRanges symbols;

        Translator(DropReasons reasons, SymbolRanges symbols) {
            this.reasons = reasons;
            this.symbols = symbols;
        }

        /** The kernel form of {@code e} (negated if {@code neg}), or null if user space must test it. */
        String kernel(Expr e, boolean neg) throws FilterException {
            if (e instanceof Expr.Not) {
                return kernel(((Expr.Not) e).operand(), !neg);
            }
            if (e instanceof Expr.Or || e instanceof Expr.And) {
                boolean or = e instanceof Expr.Or != neg;
                List<Expr> terms = e instanceof Expr.Or o ? o.terms() : ((Expr.And) e).terms();
                List<String> out = new ArrayList<>(terms.size());
                int length = 0;
                for (Expr term : terms) {
                    // Names are still looked up once the string has outgrown the kernel's page (a
                    // name this kernel lacks is an error wherever the term is tested), but the
                    // string stops growing: a 50,000-term chain costs no 50,000-term string.
                    String k = kernel(term, neg);
                    if (k == null) {
                        return null;
                    }
                    length += k.length() + AND.length();
                    if (length <= MAX_LENGTH) {
                        out.add(k);
                    }
                }
                return length > MAX_LENGTH ? null : join(out, or);
            }
            Expr.Compare c = (Expr.Compare) e;
            switch (c.field()) {
                case REASON:
                    return set("reason", reasonCodes(c), positive(c.op()) != neg, false);
                case PROTOCOL:
                    return numeric(c, neg);
                case SYMBOL:
                    return symbol(c, positive(c.op()) != neg);
                default:
                    return null;
            }
        }

        private static boolean positive(Op op) {
            return op != Op.NE && op != Op.NOT_MATCH;
        }

        private static String numeric(Expr.Compare c, boolean neg) {
            if (c.op() == Op.IN) {
                Set<Long> values = new LinkedHashSet<>();
                for (Expr.Value v : c.values()) {
                    values.add(v.number());
                }
                return set("protocol", values, !neg, true);
            }
            Op op = neg ? c.op().negated() : c.op();
            return "protocol " + op.text() + " " + hex(c.value().number());
        }

        private static String set(String field, Set<Long> values, boolean member, boolean hex) {
            List<String> terms = new ArrayList<>();
            for (long v : values) {
                terms.add(field + (member ? " == " : " != ") + (hex ? hex(v) : Long.toString(v)));
            }
            return join(terms, member);
        }

        private Set<Long> reasonCodes(Expr.Compare c) throws FilterException {
            if (reasons.listedCount() == 0) {
                throw new FilterException(c.column(), "this kernel's skb:kfree_skb has no drop reasons (Linux 5.17+)");
            }
            Set<Long> codes = new LinkedHashSet<>();
            boolean glob = c.op() == Op.MATCH || c.op() == Op.NOT_MATCH;
            for (Expr.Value v : c.values()) {
                if (v.isNumber()) {
                    codes.add(v.number());
                    continue;
                }
                String name = v.text().toUpperCase(Locale.ROOT);
                int before = codes.size();
                if (glob) {
                    String pattern = name.startsWith("SKB_DROP_REASON_") ? name.substring(16) : name;
                    for (int code : reasons.codes()) {
                        if (Glob.matches(pattern, reasons.name(code))) {
                            codes.add((long) code);
                        }
                    }
                } else if (reasons.codeOf(name) >= 0) {
                    codes.add((long) reasons.codeOf(name));
                }
                if (codes.size() == before) {
                    throw new FilterException(v.column(), (glob ? "'" + v.text() + "' matches no drop reason"
                            : "no drop reason '" + v.text() + "'") + " of this kernel");
                }
            }
            return codes;
        }

        private String symbol(Expr.Compare c, boolean member) throws FilterException {
            if (symbols == null) {
                return null;
            }
            List<long[]> ranges = new ArrayList<>();
            for (Expr.Value v : c.values()) {
                List<long[]> r = symbols.ranges(v.text(), c.op() == Op.MATCH || c.op() == Op.NOT_MATCH);
                if (r.isEmpty()) {
                    throw new FilterException(v.column(), "no kernel symbol matches '" + v.text() + "'");
                }
                ranges.addAll(r);
            }
            if (ranges.size() > MAX_RANGES) {
                return null;
            }
            List<String> terms = new ArrayList<>();
            for (long[] r : ranges) {
                terms.add(member ? "location >= " + hex(r[0]) + " && location < " + hex(r[1])
                        : "(location < " + hex(r[0]) + " || location >= " + hex(r[1]) + ")");
            }
            return member && terms.size() > 1 ? join(wrapEach(terms), true) : join(terms, member);
        }

        private static List<String> wrapEach(List<String> terms) {
            List<String> out = new ArrayList<>();
            for (String t : terms) {
                out.add("(" + t + ")");
            }
            return out;
        }

        /** Terms joined by || (in parentheses, so they can stand inside &&) or by &&. */
        private static String join(List<String> terms, boolean or) {
            if (terms.size() == 1) {
                return terms.get(0);
            }
            String s = String.join(or ? " || " : " && ", terms);
            return or ? "(" + s + ")" : s;
        }

        private static String hex(long v) {
            return "0x" + Long.toHexString(v);
        }
    }
}
