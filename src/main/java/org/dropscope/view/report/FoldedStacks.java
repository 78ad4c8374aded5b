// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dropscope.report.Report;
import org.dropscope.view.Printable;

/**
 * Call chains in Brendan Gregg's "folded" form, as stackcollapse-perf.pl writes it and
 * flamegraph.pl, inferno-flamegraph and speedscope read it: one line per distinct chain,
 * {@code root;...;leaf count}, frames as function names (offsets dropped, so that calls from one
 * function merge). A drop recorded without a chain is a chain of its location's function alone.
 * Lines are sorted by chain, as stackcollapse sorts them. Frames are printed through
 * {@link Printable#text} (folded frames may hold spaces: the count is the last word).
 */
public final class FoldedStacks {
    /**
     * One folded chain.
     *
     * @param frames function names, root first
     * @param count drops
     */
    public record Stack(List<String> frames, long count) {
    }

    private FoldedStacks() {
    }

    /** The chains of a report grouped by stack (and symbol, for drops without one), merged and sorted. */
    public static List<Stack> of(Report report) {
        Map<String, Stack> merged = new TreeMap<>();
        for (Report.Row r : report.rows()) {
            List<String> frames = new ArrayList<>();
            if (r.stack() != null) {
                for (String f : r.stack()) {
                    frames.add(function(f));
                }
                Collections.reverse(frames);
            } else {
                frames.add(r.symbol() != null ? r.symbol() : "[unknown]");
            }
            merged.merge(String.join(";", frames), new Stack(frames, r.count()),
                    (a, b) -> new Stack(a.frames(), a.count() + b.count()));
        }
        return new ArrayList<>(merged.values());
    }

    public static void write(List<Stack> stacks, PrintWriter out) {
        for (Stack s : stacks) {
            StringBuilder sb = new StringBuilder();
            for (String f : s.frames()) {
                sb.append(sb.length() == 0 ? "" : ";").append(Printable.text(f));
            }
            out.println(sb.append(' ').append(s.count()));
        }
    }

    /** {@code sym+off} without its offset; a raw address as it is. Folded frames may hold no ';'. */
    static String function(String frame) {
        int plus = frame.lastIndexOf('+');
        return (plus > 0 ? frame.substring(0, plus) : frame).replace(';', ':');
    }
}
