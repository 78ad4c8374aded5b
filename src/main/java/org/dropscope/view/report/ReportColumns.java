// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view.report;

import java.time.Instant;
import java.util.List;
import org.dropscope.report.GroupKey;
import org.dropscope.report.Report;
import org.dropscope.view.Printable;

/**
 * How the text and CSV formats spell a row's grouped values; one place for both. Names come from
 * the file, so they are printed through {@link Printable#word}: one word, nothing a terminal obeys
 * (Commons CSV quotes a field but would leave its control characters as they are).
 */
final class ReportColumns {
    /** What an absent name (no reason, no stack) prints as. */
    static final String NONE = "-";

    private ReportColumns() {
    }

    /** The column heading of a key. */
    static String heading(GroupKey k) {
        return k == GroupKey.PROTO ? "protocol" : k.word();
    }

    /** A row's value for {@code k}; a stack's frames innermost first, separated by {@code ;}. */
    static String text(Report.Row r, GroupKey k) {
        switch (k) {
            case SYMBOL:
                return orNone(r.symbol());
            case LOCATION:
                return orNone(r.location());
            case REASON:
                return orNone(r.reason());
            case STACK:
                return r.stack() == null ? NONE : frames(r.stack());
            case CPU:
                return Integer.toString(r.cpu());
            case PROTO:
                return String.format("0x%04x", r.protocol());
            default:
                return time(r.second() * 1_000_000_000L);
        }
    }

    /** Whether the key's column holds a number (aligned right in text). */
    static boolean numeric(GroupKey k) {
        return k == GroupKey.CPU;
    }

    /** ISO-8601 in UTC, as {@code 2026-11-22T06:00:01.250Z}. */
    static String time(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos).toString();
    }

    private static String orNone(String s) {
        return s == null ? NONE : Printable.word(s);
    }

    private static String frames(List<String> stack) {
        StringBuilder sb = new StringBuilder();
        for (String f : stack) {
            sb.append(sb.length() == 0 ? "" : ";").append(Printable.word(f));
        }
        return sb.toString();
    }
}
