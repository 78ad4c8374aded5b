// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Line-level parser of a tracefs {@code events/<system>/<event>/format} file.
 *
 * <p>The kernel writes (kernel/trace/trace_events.c, described in
 * {@code Documentation/trace/events.rst}, "Event formats"):
 * <pre>
 * name: kfree_skb
 * ID: 2310
 * format:
 * \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
 * ...                                  (common fields)
 *                                      (blank line)
 * \tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;
 * ...                                  (event fields)
 *                                      (blank line)
 * print fmt: "skbaddr=%p ...", REC->skbaddr, ...
 * </pre>
 * Common and event fields are told apart by the {@code common_} prefix the kernel gives every
 * header field, not by the blank line. {@code signed:} is optional (kernels before 2.6.32 did
 * not print it); unknown {@code key:value;} parts are ignored so that a future key does not
 * break parsing.
 */
final class FormatParser {
    private static final String NAME = "name:";
    private static final String ID = "ID:";
    private static final String FORMAT = "format:";
    private static final String FIELD = "field:";
    private static final String PRINT_FMT = "print fmt:";

    private final BufferedReader in;
    private int lineNo;

    private FormatParser(Reader in) {
        this.in = in instanceof BufferedReader ? (BufferedReader) in : new BufferedReader(in);
    }

    static TracepointFormat parse(Reader reader) throws IOException {
        return new FormatParser(reader).parse();
    }

    private TracepointFormat parse() throws IOException {
        String name = header(NAME, "'name: <event name>'");
        if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new TracefsFormatException(lineNo,
                    "expected 'name: <event name>' but found '" + PrintFmtParser.shorten(name) + "'");
        }
        String idText = header(ID, "'ID: <number>'");
        int id = number(idText, "'ID: <number>'");
        String rest = header(FORMAT, "'format:'");
        if (!rest.isEmpty()) {
            throw new TracefsFormatException(lineNo, "expected 'format:' alone on its line but found"
                    + " 'format:" + PrintFmtParser.shorten(rest) + "'");
        }
        List<TracepointField> common = new ArrayList<>();
        List<TracepointField> fields = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String line;
        while ((line = next()) != null) {
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (t.startsWith(PRINT_FMT)) {
                int column = line.indexOf(PRINT_FMT) + PRINT_FMT.length() + 1;
                String text = t.substring(PRINT_FMT.length());
                List<SymbolicTable> tables = PrintFmtParser.parse(text, lineNo, column);
                trailer();
                return new TracepointFormat(name, id, common, fields, text.strip(), tables);
            }
            if (!t.startsWith(FIELD)) {
                throw new TracefsFormatException(lineNo, "expected a 'field:<type> <name>;' line or"
                        + " 'print fmt:' but found '" + PrintFmtParser.shorten(t) + "'");
            }
            TracepointField f = field(t);
            if (!names.add(f.name())) {
                throw new TracefsFormatException(lineNo, "expected each field once but '"
                        + f.name() + "' appears again");
            }
            (f.isCommon() ? common : fields).add(f);
        }
        throw new TracefsFormatException(lineNo + 1, "expected 'print fmt:' after the field list"
                + " but the input ended (file truncated?)");
    }

    private String header(String key, String expected) throws IOException {
        String line = next();
        if (line == null) {
            throw new TracefsFormatException(lineNo + 1, "expected " + expected
                    + " but the input ended (file empty or truncated?)");
        }
        if (!line.startsWith(key)) {
            throw new TracefsFormatException(lineNo, "expected " + expected + " but found '"
                    + PrintFmtParser.shorten(line) + "'");
        }
        return line.substring(key.length()).strip();
    }

    private void trailer() throws IOException {
        String line;
        while ((line = next()) != null) {
            if (!line.isBlank()) {
                throw new TracefsFormatException(lineNo, "expected nothing after 'print fmt:' but"
                        + " found '" + PrintFmtParser.shorten(line) + "'");
            }
        }
    }

    /** Parses {@code field:<decl>;\toffset:<n>;\tsize:<n>;\tsigned:<0|1>;}. */
    private TracepointField field(String t) throws TracefsFormatException {
        String[] parts = t.split(";");
        String decl = parts[0].substring(FIELD.length()).strip();
        int offset = -1;
        int size = -1;
        boolean signed = false;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.startsWith("offset:")) {
                offset = number(p.substring("offset:".length()), "'offset:<number>'");
            } else if (p.startsWith("size:")) {
                size = number(p.substring("size:".length()), "'size:<number>'");
            } else if (p.startsWith("signed:")) {
                String v = p.substring("signed:".length()).strip();
                if (!v.equals("0") && !v.equals("1")) {
                    throw new TracefsFormatException(lineNo, "expected 'signed:0' or 'signed:1' but"
                            + " found '" + PrintFmtParser.shorten(p) + "'");
                }
                signed = v.equals("1");
            }
        }
        if (offset < 0 || size < 0) {
            throw new TracefsFormatException(lineNo, "expected 'field:<type> <name>;\\toffset:<n>;"
                    + "\\tsize:<n>;\\tsigned:<0|1>;' but found '" + PrintFmtParser.shorten(t)
                    + "' (no " + (offset < 0 ? "offset" : "size") + ")");
        }
        String dims = "";
        String base = decl;
        if (decl.endsWith("]") && decl.lastIndexOf('[') > 0) {
            dims = decl.substring(decl.lastIndexOf('['));
            base = decl.substring(0, decl.lastIndexOf('[')).strip();
        }
        int n = base.length();
        while (n > 0 && isIdentifierPart(base.charAt(n - 1))) {
            n--;
        }
        String name = base.substring(n);
        String type = base.substring(0, n).strip() + dims;
        if (name.isEmpty() || type.isEmpty() || Character.isDigit(name.charAt(0))) {
            throw new TracefsFormatException(lineNo, "expected 'field:<type> <name>;' but found '"
                    + PrintFmtParser.shorten(parts[0]) + ";'");
        }
        return new TracepointField(type, name, offset, size, signed);
    }

    private int number(String text, String expected) throws TracefsFormatException {
        String s = text.strip();
        if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                // falls through: more digits than an int holds
            }
        }
        throw new TracefsFormatException(lineNo, "expected " + expected + " but found '"
                + PrintFmtParser.shorten(s) + "'");
    }

    private String next() throws IOException {
        String line = in.readLine();
        if (line != null) {
            lineNo++;
        }
        return line;
    }

    private static boolean isIdentifierPart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
