// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dropscope.testing.Fuzzing;

/**
 * The captured tracefs fixtures (src/test/resources/fixtures/tracefs, see README.md there) and
 * expectations read out of their text with regular expressions, independently of the parser
 * under test, so that no offset or reason number is typed into a test by hand.
 */
final class Fixtures {
    static final String DIR = "/fixtures/tracefs/";

    /** Linux 6.18.44, the development VM's kernel: rx_sk layout. */
    static final String KFREE_6_18 = "linux-6.18.44-kfree_skb.format";
    static final String CONSUME_6_18 = "linux-6.18.44-consume_skb.format";
    /** Debian 12, 6.1.0-56-amd64: reason layout. */
    static final String KFREE_6_1 = "debian-6.1.0-56-amd64-kfree_skb.format";
    static final String CONSUME_6_1 = "debian-6.1.0-56-amd64-consume_skb.format";
    /** Debian 11, 5.10.0-46-amd64: no reason. */
    static final String KFREE_5_10 = "debian-5.10.0-46-amd64-kfree_skb.format";
    static final String CONSUME_5_10 = "debian-5.10.0-46-amd64-consume_skb.format";

    static final List<String> ALL = List.of(KFREE_6_18, CONSUME_6_18, KFREE_6_1, CONSUME_6_1,
            KFREE_5_10, CONSUME_5_10);
    /** The seeds of the format fuzz targets. */
    static final List<String> FUZZ_SEEDS = List.of(KFREE_6_18, CONSUME_6_18, KFREE_6_1, KFREE_5_10, CONSUME_5_10);

    private static final Pattern FIELD = Pattern.compile(
            "field:[^;]*?(\\w+)(?:\\[\\d*\\])?;\\toffset:(\\d+);\\tsize:(\\d+);\\tsigned:([01]);");
    private static final Pattern ENTRY = Pattern.compile("\\{ (\\d+), \"(\\w+)\" \\}");
    private static final Pattern NAME = Pattern.compile("(?m)^name: (\\S+)$");
    private static final Pattern ID = Pattern.compile("(?m)^ID: (\\d+)$");

    /** One field as the fixture text spells it. */
    record TextField(String name, int offset, int size, boolean signed) {
    }

    private Fixtures() {
    }

    static String text(String fixture) {
        try (InputStream in = Fixtures.class.getResourceAsStream(DIR + fixture)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + DIR + fixture);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of each of {@link #FUZZ_SEEDS}. */
    static List<byte[]> fuzzSeeds() {
        return FUZZ_SEEDS.stream().map(f -> Fuzzing.resource(DIR + f)).toList();
    }

    static TracepointFormat parse(String fixture) throws IOException {
        return TracepointFormat.parse(new StringReader(text(fixture)));
    }

    static TracepointFormat parseText(String text) throws IOException {
        return TracepointFormat.parse(new StringReader(text));
    }

    /** Every field line of the text, common fields included, in file order. */
    static Map<String, TextField> fields(String text) {
        Map<String, TextField> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(text);
        while (m.find()) {
            fields.put(m.group(1), new TextField(m.group(1), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), m.group(4).equals("1")));
        }
        return fields;
    }

    static TextField field(String text, String name) {
        TextField f = fields(text).get(name);
        if (f == null) {
            throw new IllegalStateException("fixture has no field " + name);
        }
        return f;
    }

    /** The {@code { n, "NAME" }} pairs of the text, in order, as {n, NAME}. */
    static List<Map.Entry<Integer, String>> symbolicEntries(String text) {
        List<Map.Entry<Integer, String>> entries = new ArrayList<>();
        Matcher m = ENTRY.matcher(text);
        while (m.find()) {
            entries.add(Map.entry(Integer.parseInt(m.group(1)), m.group(2)));
        }
        return entries;
    }

    /** The number the text gives a reason name. */
    static int reasonCode(String text, String reason) {
        for (Map.Entry<Integer, String> e : symbolicEntries(text)) {
            if (e.getValue().equals(reason)) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("fixture has no reason " + reason);
    }

    static String name(String text) {
        Matcher m = NAME.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("fixture has no name line");
        }
        return m.group(1);
    }

    static int id(String text) {
        Matcher m = ID.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("fixture has no ID line");
        }
        return Integer.parseInt(m.group(1));
    }

    /** The text with the one line containing {@code marker} removed. */
    static String withoutLine(String text, String marker) {
        StringBuilder sb = new StringBuilder();
        int removed = 0;
        for (String line : text.split("\n", -1)) {
            if (line.contains(marker)) {
                removed++;
                continue;
            }
            sb.append(line).append('\n');
        }
        if (removed != 1) {
            throw new IllegalStateException(removed + " lines contain " + marker);
        }
        return sb.substring(0, sb.length() - 1);
    }

    /** The text with exactly one occurrence of {@code from} replaced. */
    static String replaceOnce(String text, String from, String to) {
        int i = text.indexOf(from);
        if (i < 0 || text.indexOf(from, i + 1) >= 0) {
            throw new IllegalStateException("'" + from + "' does not occur exactly once");
        }
        return text.substring(0, i) + to + text.substring(i + from.length());
    }
}
