// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view.report;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.report.Report;
import org.dropscope.view.DropwatchLines;

/**
 * {@code report --format dropwatch}: one line per drop location in dropwatch's summary form
 * ({@link DropwatchLines}: {@code N drops at sym+off (0xaddr) [software]}, {@code N drops at
 * location 0xaddr [software]} when no symbol covers it, {@code N drops at TRAP [hardware]}),
 * busiest first, for scripts written against dropwatch. Needs a report grouped by location only.
 */
public final class DropwatchReport {
    private DropwatchReport() {
    }

    public static void write(Report report, PrintWriter out) {
        Map<Long, String> locations = new HashMap<>();
        Map<Long, String> traps = new HashMap<>();
        for (Report.Row r : report.rows()) {
            if (r.hardware()) {
                traps.put(r.address(), r.location());
            } else if (!r.location().startsWith("0x")) {
                locations.put(r.address(), r.location());
            }
        }
        DropwatchLines lines = new DropwatchLines(locations::get, code -> null, traps::get);
        for (Report.Row r : report.rows()) {
            out.println(lines.line(r.count(), r.hardware() ? DropOrigin.HARDWARE : DropOrigin.SOFTWARE, r.address(),
                    DropSink.NO_REASON));
        }
    }
}
