// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view.report;

import java.io.PrintWriter;
import org.dropscope.event.DropOrigin;
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
        for (Report.Row r : report.rows()) {
            // The report named each location already: a trap, sym+off, or the address in hex.
            String where = r.hardware() || !r.location().startsWith("0x") ? r.location() : null;
            out.println(DropwatchLines.line(r.count(), r.hardware() ? DropOrigin.HARDWARE : DropOrigin.SOFTWARE,
                    r.address(), where, null));
        }
    }
}
