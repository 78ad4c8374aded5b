// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import org.dropscope.report.GroupKey;
import org.dropscope.report.Report;
import org.dropscope.report.ReportFacts;
import org.dropscope.view.Printable;

/**
 * {@code report --format json}: one object, as docs/report.schema.json specifies, written by
 * Jackson's streaming generator. Rows always carry {@code symbol}, {@code reason} and
 * {@code count}; the other grouped fields only when grouped by.
 *
 * <p>Strings keep their exact value, but not every character is written as itself: JSON requires
 * C0 controls to be escaped, and the other characters {@link Printable#unsafe} names (DEL, C1
 * controls, bidi controls, line separators) are written as <code>&#92;uHHHH</code> too, so that a report
 * shown on a terminal carries nothing the terminal would obey.
 */
public final class JsonReport {
    private static final JsonFactory FACTORY = new JsonFactoryBuilder().characterEscapes(new TerminalSafe()).build();

    /** Jackson's standard escapes, plus <code>&#92;uHHHH</code> for what a terminal would act on. */
    private static final class TerminalSafe extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        TerminalSafe() {
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            // Jackson asks per UTF-16 unit: a surrogate here may be half of a valid pair. Upper-case
            // hex, as Jackson writes its own escapes.
            if (Character.isSurrogate((char) ch) || !Printable.unsafe(ch)) {
                return null;
            }
            return new SerializedString(String.format(Locale.ROOT, "\\u%04X", ch));
        }
    }

    private JsonReport() {
    }

    public static void write(Report report, Writer out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            ReportFacts f = report.facts();
            g.writeStartObject();
            g.writeStringField("input", f.input());
            g.writeStringField("source", f.source());
            g.writeStringField("description", f.sourceDescription());
            g.writeStringField("kernel", f.kernel());
            g.writeStringField("hostname", f.hostname());
            g.writeStringField("recordingFilter", f.recordingFilter());
            g.writeStringField("start", ReportColumns.time(f.startEpochNanos()));
            g.writeStringField("end", ReportColumns.time(report.endEpochNanos()));
            g.writeBooleanField("complete", report.complete());
            if (report.damage() == null) {
                g.writeNullField("damage");
            } else {
                g.writeObjectFieldStart("damage");
                g.writeStringField("message", report.damage().message());
                g.writeNumberField("offset", report.damage().offset());
                g.writeNumberField("block", report.damage().block());
                g.writeEndObject();
            }
            g.writeArrayFieldStart("groups");
            for (GroupKey k : report.groups()) {
                g.writeString(k.word());
            }
            g.writeEndArray();
            g.writeNumberField("total", report.total());
            g.writeNumberField("lost", report.lost());
            g.writeArrayFieldStart("rows");
            for (Report.Row r : report.rows()) {
                row(g, report, r);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    private static void row(JsonGenerator g, Report report, Report.Row r) throws IOException {
        g.writeStartObject();
        g.writeStringField("symbol", r.symbol());
        g.writeStringField("reason", r.reason());
        g.writeNumberField("count", r.count());
        for (GroupKey k : report.groups()) {
            switch (k) {
                case LOCATION:
                    g.writeStringField("location", r.location());
                    g.writeStringField("address", "0x" + Long.toHexString(r.address()));
                    g.writeStringField("origin", r.hardware() ? "hardware" : "software");
                    break;
                case STACK:
                    if (r.stack() == null) {
                        g.writeNullField("stack");
                    } else {
                        g.writeArrayFieldStart("stack");
                        for (String frame : r.stack()) {
                            g.writeString(frame);
                        }
                        g.writeEndArray();
                    }
                    break;
                case CPU:
                    g.writeNumberField("cpu", r.cpu());
                    break;
                case PROTO:
                    g.writeNumberField("protocol", r.protocol());
                    break;
                case SECOND:
                    g.writeNumberField("second", r.second());
                    break;
                default:
                    break;
            }
        }
        g.writeEndObject();
    }
}
