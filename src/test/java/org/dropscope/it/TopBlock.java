// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One block of {@code top --batch} output, grouped by symbol and reason: the header's lost and
 * drop totals and the rows' totals.
 *
 * @param header the block's first line
 * @param lostTotal the header's "lost D/interval T total": T
 * @param dropsTotal the header's "drops D total": D
 * @param rows every row, in order
 */
record TopBlock(String header, long lostTotal, long dropsTotal, List<Row> rows) {
    /** {@code HH:MM:SS  <source>  events/s E  lost L/interval T total  drops D total...}. */
    private static final Pattern HEADER = Pattern.compile(
            "^\\d\\d:\\d\\d:\\d\\d  .*  events/s [0-9.]+  lost (\\d+)/interval (\\d+) total  drops (\\d+) total.*$");
    /** drops/s, total, share, first seen, last seen, symbol, reason. */
    private static final Pattern ROW = Pattern.compile(
            "^\\s*([0-9.]+)\\s+(\\d+)\\s+\\S+\\s+\\S+\\s+\\S+\\s+(\\S+)\\s+(\\S+)$");

    /** A row: symbol, reason (as printed, "-" for none), its drops/s in the block's interval and its total. */
    record Row(String symbol, String reason, double rate, long total) {
    }

    static boolean isHeader(String line) {
        return HEADER.matcher(line).matches();
    }

    /** Indexes of the header lines of {@code lines}. */
    static List<Integer> headers(List<String> lines) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (isHeader(lines.get(i))) {
                at.add(i);
            }
        }
        return at;
    }

    /** The last block of {@code lines}: the one printed after monitoring stopped and drained. */
    static TopBlock last(List<String> lines) {
        List<TopBlock> all = all(lines);
        if (all.isEmpty()) {
            throw new AssertionError("no top block in:\n" + String.join("\n", lines));
        }
        return all.get(all.size() - 1);
    }

    /** Every block of {@code lines}, in order (the last one perhaps still being printed). */
    static List<TopBlock> all(List<String> lines) {
        List<Integer> at = headers(lines);
        List<TopBlock> blocks = new ArrayList<>();
        for (int b = 0; b < at.size(); b++) {
            int first = at.get(b);
            Matcher h = HEADER.matcher(lines.get(first));
            if (!h.matches()) {
                throw new AssertionError(lines.get(first));
            }
            List<Row> rows = new ArrayList<>();
            for (String line : lines.subList(first + 1, b + 1 < at.size() ? at.get(b + 1) : lines.size())) {
                Matcher m = ROW.matcher(line);
                if (m.matches()) {
                    rows.add(new Row(m.group(3), m.group(4), Double.parseDouble(m.group(1)), Long.parseLong(m.group(2))));
                }
            }
            blocks.add(new TopBlock(lines.get(first), Long.parseLong(h.group(2)), Long.parseLong(h.group(3)), rows));
        }
        return blocks;
    }

    /** The drops/s of the rows at {@code symbol} with {@code reason}. */
    double rate(String symbol, String reason) {
        return rows.stream().filter(r -> r.symbol().equals(symbol) && r.reason().equals(reason))
                .mapToDouble(Row::rate).sum();
    }

    /** The total of the rows at {@code symbol} with {@code reason}, or with any reason when that is null. */
    long count(String symbol, String reason) {
        return rows.stream().filter(r -> r.symbol().equals(symbol) && (reason == null || r.reason().equals(reason)))
                .mapToLong(Row::total).sum();
    }
}
