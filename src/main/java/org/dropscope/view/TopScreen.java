// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code top}'s text: a full screen of a given width and height, or a plain block per interval
 * for batch mode ({@code top -b}). Pure formatting over a {@link TopModel}; the terminal layer
 * only draws the lines. Names (from kallsyms, the tracepoint's format, NET_DM) are printed through
 * {@link Printable#word}, one word each; the source, the kernel and the filter through
 * {@link Printable#text}.
 *
 * <pre>
 * dropscope top 12:34:56  tracepoint skb:kfree_skb (id 2310, 6.11+ layout, 127 reasons), 2 CPUs
 * kernel 6.18.0  events/s 1000.0  lost 0/interval 0 total  drops 5000 total
 * group symbol+reason  sort drops/s  filter udp  PAUSED
 *    DROPS/S        TOTAL  SHARE  FIRST     LAST      SYMBOL          REASON
 *     1000.0         5000  100.0  12:34:50  12:34:56  __udp4_lib_rcv  NO_SOCKET
 * </pre>
 */
public final class TopScreen {
    /** Keys, as the last line shows them when no prompt is open. */
    static final String KEYS = "q quit  p pause  s sort  g group  r reset  / filter";
    /** The widest a symbol column gets before names are cut. */
    static final int MAX_SYMBOL = 48;
    /** Lines that are not rows: three of header, the column titles, and the last line. */
    static final int FRAME_LINES = 5;

    /**
     * What is shown and how.
     *
     * @param grouping how rows are formed
     * @param sort how rows are ordered
     * @param filter which drops are shown
     * @param filterText the {@code /} filter as typed, empty for none
     * @param paused whether the display is frozen
     * @param prompt the filter being typed at the prompt, or {@code null} when no prompt is open
     * @param filterError why the last filter typed was not applied, or {@code null}
     */
    public record View(TopModel.Grouping grouping, TopModel.Sort sort, DropPredicate filter, String filterText,
            boolean paused, String prompt, String filterError) {
    }

    /**
     * What the header says about the run.
     *
     * @param source the source's description
     * @param kernel the kernel release
     * @param stacksNote said when stack grouping is chosen: why stacks are not available, or how
     *     they are taken when some are sampled; or {@code null}
     */
    public record Run(String source, String kernel, String stacksNote) {
    }

    private static final long DAY_SECONDS = 86_400;

    private final ZoneRules zone;

    public TopScreen(ZoneId zone) {
        this.zone = zone.getRules();
    }

    /** A screen of {@code width} columns and {@code height} lines: every line fits, none more than height. */
    public List<String> screen(TopModel m, View v, Run run, int width, int height) {
        List<String> lines = new ArrayList<>();
        lines.add(title(m, run));
        lines.add("kernel " + Printable.text(run.kernel()) + "  events/s " + rate(m.eventsPerSecond()) + "  lost " + m.lostDelta()
                + "/interval " + m.lostTotal() + " total  drops " + m.dropsTotal() + " total"
                + (m.overflowTotal() > 0 ? "  (" + m.overflowTotal() + " in no row: key table full)" : ""));
        StringBuilder settings = new StringBuilder("group ").append(v.grouping().label()).append("  sort ")
                .append(v.sort().label());
        if (!v.filterText().isEmpty()) {
            settings.append("  filter ").append(Printable.text(v.filterText()));
        }
        if (v.filterError() != null) {
            settings.append("  filter not applied: ").append(Printable.text(v.filterError()));
        }
        if (v.paused()) {
            settings.append("  PAUSED");
        }
        if (v.grouping() == TopModel.Grouping.STACK && run.stacksNote() != null) {
            settings.append("  ").append(run.stacksNote());
        }
        lines.add(settings.toString());
        List<TopModel.Row> rows = m.rows(v.grouping(), v.sort(), v.filter());
        Table table = new Table(v.grouping(), rows, m.dropsTotal(), MAX_SYMBOL);
        lines.add(table.titles());
        int room = height - FRAME_LINES;
        if (m.updatedMillis() < 0 && room > 0) {
            lines.add("(waiting for the first interval)");
        } else if (room > 0) {
            int shown = rows.size() <= room ? rows.size() : room - 1;
            for (int i = 0; i < shown; i++) {
                lines.add(table.line(rows.get(i)));
            }
            if (shown < rows.size()) {
                lines.add("… " + (rows.size() - shown) + " more");
            }
        }
        while (lines.size() < height - 1) {
            lines.add("");
        }
        lines.add(v.prompt() != null ? "filter (name part or expression, Enter applies, empty clears): "
                + Printable.text(v.prompt())
                : KEYS);
        List<String> fitted = new ArrayList<>();
        for (int i = 0; i < Math.min(height, lines.size()); i++) {
            // The last line, when the screen is too short for everything, is the prompt or the keys.
            String line = i == height - 1 ? lines.get(lines.size() - 1) : lines.get(i);
            fitted.add(cut(line, width));
        }
        return fitted;
    }

    /**
     * The first line of {@link #screen} at {@code width} columns (with the time of the last update),
     * or {@code null} when a screen of {@code height} lines has no room for it besides the keys.
     */
    public String titleLine(TopModel m, Run run, int width, int height) {
        return height < 2 ? null : cut(title(m, run), width);
    }

    private String title(TopModel m, Run run) {
        return "dropscope top " + time(m.updatedMillis()) + "  " + Printable.text(run.source());
    }

    /**
     * One interval for batch mode: a header line (time, source, events/s, lost), the column
     * titles, every row, and an empty line.
     */
    public List<String> block(TopModel m, View v, Run run) {
        List<String> lines = new ArrayList<>();
        lines.add(time(m.updatedMillis()) + "  " + Printable.text(run.source()) + "  events/s " + rate(m.eventsPerSecond())
                + "  lost " + m.lostDelta() + "/interval " + m.lostTotal() + " total  drops " + m.dropsTotal()
                + " total" + (m.overflowTotal() > 0 ? " (" + m.overflowTotal() + " in no row: key table full)" : "")
                + (v.grouping() == TopModel.Grouping.STACK && run.stacksNote() != null
                        ? "  " + run.stacksNote() : ""));
        List<TopModel.Row> rows = m.rows(v.grouping(), v.sort(), v.filter());
        // Names are never cut here: scripts read them.
        Table table = new Table(v.grouping(), rows, m.dropsTotal(), Integer.MAX_VALUE);
        lines.add(table.titles());
        for (TopModel.Row r : rows) {
            lines.add(table.line(r));
        }
        lines.add("");
        return lines;
    }

    /**
     * HH:mm:ss in the zone. Done by hand: the clock is formatted once a second for hours, and in
     * the interpreter, where that code stays for minutes, a DateTimeFormatter cost more of an
     * idle top's CPU time than the rest of an interval without drops.
     */
    static String time(long millis, ZoneRules zone) {
        if (millis < 0) {
            return "--:--:--";
        }
        long epochSecond = Math.floorDiv(millis, 1000);
        long offset = zone.getOffset(Instant.ofEpochSecond(epochSecond)).getTotalSeconds();
        int s = (int) Math.floorMod(epochSecond + offset, DAY_SECONDS);
        char[] c = {'0', '0', ':', '0', '0', ':', '0', '0'};
        int[] parts = {s / 3600, s / 60 % 60, s % 60};
        for (int i = 0; i < parts.length; i++) {
            c[3 * i] = (char) ('0' + parts[i] / 10);
            c[3 * i + 1] = (char) ('0' + parts[i] % 10);
        }
        return new String(c);
    }

    private String time(long millis) {
        return time(millis, zone);
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.1f", perSecond);
    }

    static String cut(String line, int width) {
        return line.length() <= width ? line : line.substring(0, Math.max(0, width));
    }

    /** The columns of one table: numbers first, then the grouping's names, the last one unpadded. */
    private final class Table {
        private final TopModel.Grouping grouping;
        private final long allDrops;
        private final int symbolWidth;
        private final int reasonWidth;

        Table(TopModel.Grouping grouping, List<TopModel.Row> rows, long allDrops, int maxSymbol) {
            this.grouping = grouping;
            this.allDrops = allDrops;
            int s = "SYMBOL".length();
            int r = "REASON".length();
            for (TopModel.Row row : rows) {
                s = Math.max(s, row.symbol() == null ? 0 : Printable.word(row.symbol()).length());
                r = Math.max(r, row.reason() == null ? 0 : Printable.word(row.reason()).length());
            }
            this.symbolWidth = Math.min(s, maxSymbol);
            this.reasonWidth = r;
        }

        String titles() {
            return numbers("DROPS/S", "TOTAL", "SHARE", "FIRST", "LAST") + names("SYMBOL", "REASON", "STACK");
        }

        String line(TopModel.Row r) {
            String share = allDrops > 0 ? String.format(Locale.ROOT, "%.1f", 100.0 * r.total() / allDrops) : "-";
            String stack = r.stack() == null ? null : r.stack().isEmpty() ? "(no stack)" : frames(r.stack());
            return numbers(rate(r.rate()), Long.toString(r.total()), share,
                    r.firstSeen() < 0 ? "-" : time(r.firstSeen()), r.lastSeen() < 0 ? "-" : time(r.lastSeen()))
                    + names(Printable.word(r.symbol()), Printable.word(r.reason()), stack);
        }

        private String frames(List<String> stack) {
            StringBuilder sb = new StringBuilder();
            for (String f : stack) {
                sb.append(sb.length() == 0 ? "" : " < ").append(Printable.word(f));
            }
            return sb.toString();
        }

        private String numbers(String rate, String total, String share, String first, String last) {
            return String.format(Locale.ROOT, "%10s %12s %6s  %-8s  %-8s  ", rate, total, share, first, last);
        }

        private String names(String symbol, String reason, String stack) {
            switch (grouping) {
                case SYMBOL:
                    return symbol;
                case REASON:
                    return reason;
                case STACK:
                    return pad(reason, reasonWidth) + "  " + stack;
                default:
                    return pad(symbol.length() > symbolWidth ? symbol.substring(0, symbolWidth) : symbol, symbolWidth)
                            + "  " + reason;
            }
        }

        private String pad(String s, int width) {
            return String.format(Locale.ROOT, "%-" + width + "s", s);
        }
    }
}
