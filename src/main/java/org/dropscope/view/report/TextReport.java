// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dropscope.report.GroupKey;
import org.dropscope.report.Report;
import org.dropscope.report.ReportFacts;
import org.dropscope.view.Printable;

/**
 * {@code report --format text}: a few header lines (source, kernel, host, start, duration, total
 * drops, lost), then a table of aligned columns, count first; with {@code --group stack} each
 * row's call chain follows it, one frame a line, innermost first. What came from the file is
 * printed through {@link Printable}.
 */
public final class TextReport {
    private TextReport() {
    }

    public static void write(Report report, PrintWriter out) {
        header(report, out);
        List<GroupKey> columns = new ArrayList<>(report.groups());
        boolean stacks = columns.remove(GroupKey.STACK);
        List<String[]> cells = new ArrayList<>();
        String[] head = new String[columns.size() + 1];
        head[0] = "COUNT";
        for (int i = 0; i < columns.size(); i++) {
            head[i + 1] = ReportColumns.heading(columns.get(i)).toUpperCase(Locale.ROOT);
        }
        cells.add(head);
        for (Report.Row r : report.rows()) {
            String[] c = new String[columns.size() + 1];
            c[0] = Long.toString(r.count());
            for (int i = 0; i < columns.size(); i++) {
                c[i + 1] = ReportColumns.text(r, columns.get(i));
            }
            cells.add(c);
        }
        int[] width = new int[head.length];
        for (String[] c : cells) {
            for (int i = 0; i < c.length; i++) {
                width[i] = Math.max(width[i], c[i].length());
            }
        }
        for (int n = 0; n < cells.size(); n++) {
            String[] c = cells.get(n);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < c.length; i++) {
                boolean right = i == 0 || ReportColumns.numeric(columns.get(i - 1));
                String pad = " ".repeat(width[i] - c[i].length());
                sb.append(i == 0 ? "" : "  ").append(right ? pad + c[i] : i == c.length - 1 ? c[i] : c[i] + pad);
            }
            out.println(sb);
            if (stacks && n > 0) {
                List<String> frames = report.rows().get(n - 1).stack();
                for (String f : frames == null ? List.of("(no stack recorded)") : frames) {
                    out.println("        " + Printable.word(f));
                }
            }
        }
    }

    private static void header(Report report, PrintWriter out) {
        ReportFacts f = report.facts();
        out.println("source:   " + f.source() + ": " + Printable.text(f.sourceDescription()) + " ("
                + Printable.text(f.input()) + ")");
        out.println("kernel:   " + orUnknown(f.kernel()) + "    host: " + orUnknown(f.hostname()));
        out.println("start:    " + ReportColumns.time(f.startEpochNanos()) + "    duration: "
                + String.format(Locale.ROOT, "%.3f s", (report.endEpochNanos() - f.startEpochNanos()) / 1e9));
        out.println("drops:    " + report.total() + "    lost: " + report.lost()
                + (report.complete() ? "" : "    (incomplete: see the message on standard error)"));
        if (f.recordingFilter() != null) {
            out.println("recorded with filter: " + Printable.text(f.recordingFilter()));
        }
        out.println();
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : Printable.word(s);
    }
}
