// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads kallsyms-fixtures/ from the test classpath, and splits fixture lines with plain
 * {@code String.split}, independently of {@link KallsymsParser}, so tests can derive expected
 * results from the files themselves.
 */
final class Fixtures {
    private Fixtures() {
    }

    /** One well-formed fixture line. */
    record Line(int number, long address, char type, String name, String module) {
        boolean isText() {
            return "TtWw".indexOf(type) >= 0 && !name.startsWith("$") && address != 0;
        }

        boolean isData() {
            return "BbDdRr".indexOf(type) >= 0 && address != 0;
        }

        boolean isMapping() {
            return name.startsWith("$");
        }
    }

    /** The whole fixture as text; {@code .gz} files are decompressed. */
    static String text(String file) {
        String path = "kallsyms-fixtures/" + file;
        try (InputStream raw = Fixtures.class.getClassLoader().getResourceAsStream(path)) {
            if (raw == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            InputStream in = file.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture's lines, split on the tab and on spaces; blank lines are skipped. */
    static List<Line> lines(String file) {
        return lines(text(file).split("\n"));
    }

    static List<Line> lines(String[] raw) {
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < raw.length; i++) {
            if (raw[i].isEmpty()) {
                continue;
            }
            String[] tab = raw[i].split("\t");
            String[] f = tab[0].split(" ");
            String module = tab.length > 1 ? tab[1].substring(1, tab[1].length() - 1) : null;
            out.add(new Line(i + 1, Long.parseUnsignedLong(f[0], 16), f[1].charAt(0), f[2], module));
        }
        return out;
    }

    static SymbolTable parse(String file) throws IOException {
        return KallsymsParser.parse(new StringReader(text(file)));
    }

    static SymbolTable parse(String file, String modulesFile) throws IOException {
        return KallsymsParser.parse(new StringReader(text(file)), KallsymsParser.KPTR_RESTRICT_UNKNOWN,
                ModuleList.parse(new StringReader(text(modulesFile))));
    }

    /** The table's entries as strings, to compare whole tables. */
    static List<String> dump(SymbolTable t) {
        List<String> out = new ArrayList<>(t.size());
        for (int i = 0; i < t.size(); i++) {
            out.add(Long.toHexString(t.address(i)) + ' ' + t.type(i) + ' ' + t.name(i) + ' ' + t.module(i)
                    + " +" + Long.toHexString(t.size(i)));
        }
        return out;
    }

    /** The index of the entry starting exactly at {@code address}, or -1. */
    static int entryAt(SymbolTable t, long address) {
        int i = t.indexOf(address);
        return i >= 0 && t.address(i) == address ? i : -1;
    }
}
