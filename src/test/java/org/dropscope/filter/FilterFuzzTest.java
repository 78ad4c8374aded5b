// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.DropNames;
import org.dropscope.testing.FuzzTarget;
import org.dropscope.testing.Fuzzing;
import org.dropscope.tracefs.DropReasons;
import org.dropscope.tracefs.TracepointFormat;

/**
 * Fuzz target: a {@code --filter} expression through {@link FilterParser}, then compiled for
 * events ({@link DropFilter}) and rows ({@link RowFilter}), and translated for the kernel
 * ({@link KernelFilter}, 6.18's reason table, two symbols). Oracle: only FilterException; an
 * expression and its negation {@code !(...)} disagree on every event; the kernel's part stays
 * within the length the kernel takes.
 *
 * <p>Inputs up to {@value #MAX_CHARS} characters are tried: chains and nesting as long as the
 * fuzzer makes them, nesting past {@link FilterParser#MAX_DEPTH} being refused.
 */
public class FilterFuzzTest extends FuzzTarget {
    static final int MAX_CHARS = 1 << 16;
    private static final long UDP = 0xffffffff82046f4cL;
    private static final long QUEUE = 0xffffffff82045100L;
    private static final DropReasons REASONS = reasons();
    private static final KernelFilter.SymbolRanges SYMBOLS = (pattern, glob) -> {
        List<long[]> r = new ArrayList<>();
        for (String name : List.of("__udp4_lib_rcv", "udp_queue_rcv_one_skb")) {
            if (glob ? Glob.matches(pattern, name) : pattern.equals(name)) {
                long start = name.startsWith("__") ? 0xffffffff82046a90L : 0xffffffff82045000L;
                r.add(new long[] {start, start + 0x1000});
            }
        }
        return r;
    };
    private static final DropNames NAMES = new DropNames() {
        @Override
        public String reason(int code) {
            return REASONS.isKnown(code) ? REASONS.name(code) : null;
        }

        @Override
        public String symbol(long pc) {
            return pc == UDP ? "__udp4_lib_rcv" : pc == QUEUE ? "udp_queue_rcv_one_skb" : null;
        }

        @Override
        public String trap(int id) {
            return id == 0 ? "ingress_vlan_filter" : null;
        }
    };
    private static final DropEvent[] EVENTS = {
        new DropEvent().set(0, 0, DropOrigin.SOFTWARE, UDP, 3, DropSink.NO_STACK, 1).packet(0x800, 1, 64),
        new DropEvent().set(0, 1, DropOrigin.SOFTWARE, QUEUE, 6, 7, 1).packet(0x86dd, 2, 1500),
        new DropEvent().set(0, 5, DropOrigin.HARDWARE, 0, DropSink.NO_REASON, DropSink.NO_STACK, 1).packet(0, 0, 0),
        new DropEvent().set(0, 3, DropOrigin.SOFTWARE, 0xffffffffc0001000L, 2, DropSink.NO_STACK, 1).packet(0x806, 9, 0),
    };

    @Override
    public List<byte[]> seeds() {
        return Stream.of("reason == NO_SOCKET", "reason =~ SOCKET_*", "symbol == __udp4_lib_rcv",
                "symbol =~ *udp* && !(reason in (3, SOCKET_RCVBUFF))", "protocol == ipv4 || protocol >= 0x86dd",
                "cpu < 2 && ifindex != 0", "reason != 3 && protocol >= 0x86dd", "symbol !~ udp_* || cpu in (0, 1, 5)",
                "(reason == 2 || reason == 3) && !(symbol == ingress_vlan_filter)").map(Fuzzing::utf8).toList();
    }

    @Override
    public void fuzzOne(byte[] data) {
        if (data.length > MAX_CHARS) {
            return;
        }
        String text = new String(data, StandardCharsets.UTF_8);
        Expr expr;
        try {
            expr = FilterParser.parse(text);
        } catch (FilterException e) {
            assertNotNull(e.getMessage());
            return;
        }
        DropFilter f = DropFilter.compile(expr, NAMES);
        DropFilter not;
        try {
            not = DropFilter.compile(FilterParser.parse("!(" + text + ")"), NAMES);
        } catch (FilterException e) {
            if (e.getMessage().contains("nesting deeper")) {
                // The negation nests one level more: at the limit it alone is refused.
                return;
            }
            throw new AssertionError("'" + text + "' parses, its negation does not: " + e.getMessage(), e);
        }
        for (DropEvent e : EVENTS) {
            assertTrue(f.test(e) != not.test(e), () -> "'" + text + "' and its negation agree on " + e);
        }
        try {
            RowFilter.Test row = RowFilter.compile(expr);
            row.test("__udp4_lib_rcv", "NO_SOCKET");
            row.test("0xffffffffc0001000", null);
        } catch (FilterException e) {
            assertNotNull(e.getMessage());
        }
        try {
            KernelFilter k = KernelFilter.translate(expr, REASONS, SYMBOLS);
            assertTrue(k.tracefs() == null || k.tracefs().length() <= KernelFilter.MAX_LENGTH, k::tracefs);
        } catch (FilterException e) {
            assertNotNull(e.getMessage());
        }
    }

    private static DropReasons reasons() {
        try {
            return DropReasons.from(TracepointFormat.parse(new StringReader(new String(
                    Fuzzing.resource("/fixtures/tracefs/linux-6.18.44-kfree_skb.format"), StandardCharsets.UTF_8))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
