// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.dropscope.report.GroupKey;
import org.dropscope.report.Report;

/**
 * {@code report --format csv}: RFC 4180 CSV through Apache Commons CSV, a header line of the
 * grouped fields' names and {@code count}, then one line per row. The report's facts are not in
 * it (use json for those).
 */
public final class CsvReport {
    private CsvReport() {
    }

    public static void write(Report report, Appendable out) throws IOException {
        List<String> header = new ArrayList<>();
        for (GroupKey k : report.groups()) {
            header.add(ReportColumns.heading(k));
        }
        header.add("count");
        CSVFormat format = CSVFormat.RFC4180.builder().setRecordSeparator('\n')
                .setHeader(header.toArray(new String[0])).get();
        CSVPrinter p = new CSVPrinter(out, format);
        List<String> values = new ArrayList<>();
        for (Report.Row r : report.rows()) {
            values.clear();
            for (GroupKey k : report.groups()) {
                values.add(ReportColumns.text(r, k));
            }
            values.add(Long.toString(r.count()));
            p.printRecord(values);
        }
        p.flush();
    }
}
