// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed tracefs {@code events/<system>/<event>/format} file: the event's name and numeric id,
 * the layout of its raw record, and the symbolic tables of its {@code print fmt}.
 *
 * <p>This is the run-time source of truth for decoding {@code PERF_SAMPLE_RAW} data of a
 * tracepoint opened with perf_event_open(2): the layout of {@code skb:kfree_skb} changed in
 * Linux 5.17 and 6.11 and its reason numbers change between kernels, so nothing about it is
 * hard-coded (see {@link KfreeSkbLayout} and {@link DropReasons}). The file format is described
 * in the kernel's {@code Documentation/trace/events.rst}, section "Event formats"; the
 * {@code skb} events are defined in {@code include/trace/events/skb.h}.
 *
 * <p>Instances are immutable.
 */
public final class TracepointFormat {
    private final String name;
    private final int id;
    private final List<TracepointField> commonFields;
    private final List<TracepointField> fields;
    private final String printFmt;
    private final List<SymbolicTable> symbolicTables;
    private final String text;

    TracepointFormat(String name, int id, List<TracepointField> commonFields,
            List<TracepointField> fields, String printFmt, List<SymbolicTable> symbolicTables) {
        this(name, id, commonFields, fields, printFmt, symbolicTables, "");
    }

    private TracepointFormat(String name, int id, List<TracepointField> commonFields,
            List<TracepointField> fields, String printFmt, List<SymbolicTable> symbolicTables, String text) {
        this.text = text;
        this.name = Objects.requireNonNull(name, "name");
        this.id = id;
        this.commonFields = List.copyOf(commonFields);
        this.fields = List.copyOf(fields);
        this.printFmt = Objects.requireNonNull(printFmt, "printFmt");
        this.symbolicTables = List.copyOf(symbolicTables);
    }

    /**
     * Parses the text of a {@code format} file.
     *
     * @param reader the file's text; read to the end, not closed
     * @return the parsed format
     * @throws TracefsFormatException if the text is not a complete format file, naming the line
     *     and what was expected there
     * @throws IOException if reading fails
     */
    public static TracepointFormat parse(Reader reader) throws IOException {
        StringBuilder sb = new StringBuilder(8192);
        char[] buf = new char[8192];
        for (int n; (n = Objects.requireNonNull(reader, "reader").read(buf)) > 0;) {
            sb.append(buf, 0, n);
        }
        TracepointFormat f = FormatParser.parse(new StringReader(sb.toString()));
        return new TracepointFormat(f.name, f.id, f.commonFields, f.fields, f.printFmt, f.symbolicTables,
                sb.toString());
    }

    /**
     * The text this format was parsed from, verbatim: what a record file keeps so that its events
     * can be decoded and its reasons named on another machine (docs/file-format.md).
     *
     * @return the format file's text
     */
    public String text() {
        return text;
    }

    /**
     * The event name from the {@code name:} line, e.g. {@code kfree_skb}.
     *
     * @return the event name (without the system)
     */
    public String name() {
        return name;
    }

    /**
     * The event id from the {@code ID:} line: the {@code config} value for a
     * {@code PERF_TYPE_TRACEPOINT} perf event and the value of {@code common_type} in its records.
     *
     * @return the id
     */
    public int id() {
        return id;
    }

    /**
     * The header fields every event shares ({@code common_type}, {@code common_flags}, ...).
     *
     * @return the common fields in file order
     */
    public List<TracepointField> commonFields() {
        return commonFields;
    }

    /**
     * The event's own fields, after the common header.
     *
     * @return the event fields in file order
     */
    public List<TracepointField> fields() {
        return fields;
    }

    /**
     * Looks up a field by name, among the event fields and then the common fields.
     *
     * @param fieldName the member name, e.g. {@code reason}
     * @return the field, or empty if this event has no such field
     */
    public Optional<TracepointField> field(String fieldName) {
        for (TracepointField f : fields) {
            if (f.name().equals(fieldName)) {
                return Optional.of(f);
            }
        }
        for (TracepointField f : commonFields) {
            if (f.name().equals(fieldName)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code print fmt} text: the quoted format string followed by its arguments.
     *
     * @return the text after {@code print fmt: }, as the kernel printed it
     */
    public String printFmt() {
        return printFmt;
    }

    /**
     * Every {@code __print_symbolic} table in the {@code print fmt}, in order.
     *
     * @return the tables, possibly empty
     */
    public List<SymbolicTable> symbolicTables() {
        return symbolicTables;
    }

    /**
     * The {@code __print_symbolic} table whose first argument is {@code REC->fieldName}.
     *
     * @param fieldName the field the table decodes, e.g. {@code reason}
     * @return the first such table, or empty
     */
    public Optional<SymbolicTable> symbolicTable(String fieldName) {
        for (SymbolicTable t : symbolicTables) {
            if (t.field().equals(fieldName)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The number of bytes the fields cover, from offset 0 to the end of the last field. A
     * {@code PERF_SAMPLE_RAW} payload of this event is at least this long (the kernel pads it
     * to keep the perf record 8-byte aligned).
     *
     * @return the end of the furthest field
     */
    public int rawSize() {
        int end = 0;
        for (TracepointField f : commonFields) {
            end = Math.max(end, f.end());
        }
        for (TracepointField f : fields) {
            end = Math.max(end, f.end());
        }
        return end;
    }

    @Override
    public String toString() {
        return "TracepointFormat[" + name + " id=" + id + " fields=" + fields.size()
                + " rawSize=" + rawSize() + " symbolicTables=" + symbolicTables.size() + "]";
    }
}
