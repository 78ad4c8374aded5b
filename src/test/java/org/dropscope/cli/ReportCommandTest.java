// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropSink;
import org.dropscope.event.DropOrigin;
import org.dropscope.names.Symbol;
import org.dropscope.record.ReadResult;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordReader;
import org.dropscope.report.ReportFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code dropscope report} on record files written by {@link org.dropscope.record.RecordWriter}
 * (the expected counts are worked out from the events written, not typed in) and on the genuine
 * NET_DM capture netdm-6.1.pcap, against what dropwatch printed while it was taken.
 */
class ReportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<DropEvent> EVENTS = ReportFiles.events(2000, true);
    private static final byte[] FILE = ReportFiles.write(EVENTS, 64);

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandRun cli = CommandRun.dropscope("report").printingTo(out, err);

    private int report(String... args) {
        return cli.run(args).exit();
    }

    private Path file(byte[] bytes) throws IOException {
        Path p = tmp.resolve("drops.dsr");
        Files.write(p, bytes);
        return p;
    }

    private JsonNode json(String... args) throws IOException {
        assertEquals(ExitCodes.OK, report(args), err::toString);
        JsonNode n = JSON.readTree(out.toString());
        assertValid(n);
        return n;
    }

    private static void assertValid(JsonNode n) throws IOException {
        try (InputStream schema = Files.newInputStream(Path.of("docs/report.schema.json"))) {
            JsonSchema s = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema);
            Set<ValidationMessage> problems = s.validate(n);
            assertTrue(problems.isEmpty(), () -> problems + " in " + n);
        }
    }

    /** The rows of a JSON report as key → count, the key the fields {@code key} picks joined by '|'. */
    private static Map<String, Long> rows(JsonNode report, Function<JsonNode, String> key) {
        Map<String, Long> m = new TreeMap<>();
        for (JsonNode r : report.get("rows")) {
            Long old = m.put(key.apply(r), r.get("count").asLong());
            assertEquals(null, old, "one row per key: " + key.apply(r));
        }
        return m;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? "-" : n.asText();
    }

    private static long total(Predicate<DropEvent> keep) {
        return EVENTS.stream().filter(keep).mapToLong(DropEvent::count).sum();
    }

    @Test
    void jsonBySymbolAndReasonCountsEveryDropOnceAndMatchesTheSchema() throws IOException {
        JsonNode r = json(file(FILE).toString(), "--format", "json");
        assertEquals(ReportFiles.counts(EVENTS, e -> true, e -> ReportFiles.symbol(e) + "|" + ReportFiles.reason(e)),
                rows(r, n -> text(n.get("symbol")) + "|" + text(n.get("reason"))));
        assertEquals(total(e -> true), r.get("total").asLong());
        assertEquals(Arrays.stream(ReportFiles.LOST).mapToLong(l -> l[1]).sum(), r.get("lost").asLong());
        assertTrue(r.get("complete").asBoolean());
        assertTrue(r.get("damage").isNull());
        assertEquals("6.18.44", r.get("kernel").asText());
        assertEquals("bench", r.get("hostname").asText());
        assertEquals(Instant.ofEpochSecond(0, ReportFiles.START_EPOCH_NANOS).toString(), r.get("start").asText());
        assertEquals(Instant.ofEpochSecond(0, ReportFiles.epochNanos(EVENTS.get(EVENTS.size() - 1))).toString(),
                r.get("end").asText());
        List<Long> counts = new ArrayList<>();
        r.get("rows").forEach(n -> counts.add(n.get("count").asLong()));
        List<Long> sorted = new ArrayList<>(counts);
        sorted.sort((a, b) -> Long.compare(b, a));
        assertEquals(sorted, counts, "busiest first");
    }

    @Test
    void jsonByCpuProtocolAndSecondCarriesThoseFields() throws IOException {
        JsonNode r = json(file(FILE).toString(), "--format", "json", "--group", "cpu", "--group", "proto,second");
        assertEquals(ReportFiles.counts(EVENTS, e -> true, e -> e.cpu() + "|" + e.protocol() + "|"
                + Math.floorDiv(ReportFiles.epochNanos(e), 1_000_000_000L)),
                rows(r, n -> n.get("cpu").asInt() + "|" + n.get("protocol").asInt() + "|" + n.get("second").asLong()));
        assertTrue(r.get("rows").get(0).get("symbol").isNull(), "not grouped by symbol");
    }

    @Test
    void jsonByStackGivesTheFramesInnermostFirst() throws IOException {
        JsonNode r = json(file(FILE).toString(), "--format", "json", "--group", "stack");
        Map<String, Long> expected = ReportFiles.counts(EVENTS, e -> true, e -> {
            long[] frames = ReportFiles.STACKS.get(e.stackId());
            if (frames == null) {
                return "-";
            }
            List<String> names = new ArrayList<>();
            for (long pc : frames) {
                names.add(ReportFiles.NAMES.symbolAt(pc).dropwatch());
            }
            return String.join(";", names);
        });
        assertEquals(expected, rows(r, n -> {
            if (n.get("stack").isNull()) {
                return "-";
            }
            List<String> frames = new ArrayList<>();
            n.get("stack").forEach(f -> frames.add(f.asText()));
            return String.join(";", frames);
        }));
    }

    @Test
    void csvHasAHeaderAndOneRecordPerGroup() throws IOException {
        assertEquals(ExitCodes.OK, report(file(FILE).toString(), "--format", "csv", "--group", "reason,cpu"),
                err::toString);
        List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(out.toString())).getRecords();
        Map<String, Long> got = new TreeMap<>();
        for (CSVRecord c : records) {
            got.put(c.get("reason") + "|" + c.get("cpu"), Long.parseLong(c.get("count")));
        }
        assertEquals(ReportFiles.counts(EVENTS, e -> true, e -> ReportFiles.reason(e) + "|" + e.cpu()), got);
        assertTrue(out.toString().startsWith("reason,cpu,count\n"), out::toString);
    }

    @Test
    void textHasTheFactsAndAlignedColumns() throws IOException {
        assertEquals(ExitCodes.OK, report(file(FILE).toString()), err::toString);
        List<String> lines = out.toString().lines().toList();
        assertTrue(lines.get(0).startsWith("source:   tracepoint: tracepoint skb:kfree_skb"), lines::toString);
        assertTrue(lines.get(1).contains("6.18.44") && lines.get(1).contains("bench"), lines::toString);
        assertTrue(lines.get(2).contains(Instant.ofEpochSecond(0, ReportFiles.START_EPOCH_NANOS).toString()));
        assertTrue(lines.get(3).startsWith("drops:    " + total(e -> true) + "    lost: 7"), lines::toString);
        int head = lines.indexOf(lines.stream().filter(l -> l.trim().startsWith("COUNT")).findFirst().orElseThrow());
        String heading = lines.get(head);
        int symbolColumn = heading.indexOf("SYMBOL");
        int reasonColumn = heading.indexOf("REASON");
        Map<String, Long> got = new TreeMap<>();
        for (String l : lines.subList(head + 1, lines.size())) {
            assertEquals(' ', l.charAt(symbolColumn - 1), l);
            got.put(l.substring(symbolColumn, reasonColumn).trim() + "|" + l.substring(reasonColumn).trim(),
                    Long.parseLong(l.substring(0, symbolColumn).trim()));
        }
        assertEquals(ReportFiles.counts(EVENTS, e -> true, e -> ReportFiles.symbol(e) + "|" + ReportFiles.reason(e)),
                got);
    }

    @Test
    void dropwatchFormatHasOneLinePerLocationInDropwatchsWords() throws IOException {
        assertEquals(ExitCodes.OK, report(file(FILE).toString(), "--format", "dropwatch"), err::toString);
        Map<String, Long> expected = ReportFiles.counts(EVENTS, e -> true, e -> {
            if (e.origin() == DropOrigin.HARDWARE) {
                return " drops at " + ReportFiles.TRAP + " [hardware]";
            }
            Symbol s = ReportFiles.NAMES.symbolAt(e.location());
            String hex = "0x" + Long.toHexString(e.location());
            return s == null ? " drops at location " + hex + " [software]"
                    : " drops at " + s.dropwatch() + " (" + hex + ") [software]";
        });
        Map<String, Long> got = new TreeMap<>();
        for (String l : out.toString().lines().toList()) {
            int space = l.indexOf(' ');
            got.put(l.substring(space), Long.parseLong(l.substring(0, space)));
        }
        assertEquals(expected, got);
    }

    @Test
    void theFilterKeepsWhatItSays() throws IOException {
        JsonNode r = json(file(FILE).toString(), "--format", "json", "--filter",
                "reason == NO_SOCKET && cpu == 0 || symbol =~ udp_queue*");
        Predicate<DropEvent> keep = e -> e.reason() == ReportFiles.NO_SOCKET && e.cpu() == 0
                || ReportFiles.symbol(e).startsWith("udp_queue");
        assertEquals(ReportFiles.counts(EVENTS, keep, e -> ReportFiles.symbol(e) + "|" + ReportFiles.reason(e)),
                rows(r, n -> text(n.get("symbol")) + "|" + text(n.get("reason"))));
        assertEquals(total(keep), r.get("total").asLong());
    }

    @Test
    void sinceAndUntilTakeOffsetsFromTheStartAndWallClockTimes() throws IOException {
        long second = 1_000_000_000L;
        Predicate<DropEvent> window = e -> e.timeNanos() - ReportFiles.CLOCK_START >= 2 * second + 500_000_000L
                && e.timeNanos() - ReportFiles.CLOCK_START < 5 * second;
        Function<DropEvent, String> key = e -> ReportFiles.symbol(e) + "|" + ReportFiles.reason(e);
        JsonNode r = json(file(FILE).toString(), "--format", "json", "--since", "2s500ms", "--until", "5s");
        assertEquals(ReportFiles.counts(EVENTS, window, key), rows(r, n -> text(n.get("symbol")) + "|"
                + text(n.get("reason"))));
        assertEquals(5, r.get("lost").asLong(), "the loss at 3 s is inside, the one at 10 s not");

        out.getBuffer().setLength(0);
        Instant start = Instant.ofEpochSecond(0, ReportFiles.START_EPOCH_NANOS);
        r = json(file(FILE).toString(), "--format", "json", "--since", start.plusMillis(2500).toString(),
                "--until", start.plusSeconds(5).toString());
        assertEquals(total(window), r.get("total").asLong());
    }

    @Test
    void aBadTimeOrGroupOrFilterIsAUsageError() throws IOException {
        Path f = file(FILE);
        assertEquals(ExitCodes.USAGE, report(f.toString(), "--since", "yesterday"));
        assertTrue(err.toString().contains("cannot read the time 'yesterday'"), err::toString);
        assertEquals(ExitCodes.USAGE, report(f.toString(), "--group", "symbol,colour"));
        assertTrue(err.toString().contains("unknown --group 'colour'"), err::toString);
        assertEquals(ExitCodes.USAGE, report(f.toString(), "--filter", "cpu =~ 1*"));
        assertTrue(err.toString().contains("column 5"), err::toString);
        assertFalse(err.toString().contains("Exception"), err::toString);
    }

    /** Offsets past the end of time saturate: since selects nothing, until everything; none wraps. */
    @Test
    void offsetsPastTheEndSelectNothingSinceAndEverythingUntil() throws IOException {
        List<DropEvent> three = ReportFiles.events(3, false);
        long all = three.stream().mapToLong(DropEvent::count).sum();
        Path f = file(ReportFiles.write(three, 64));
        assertEquals(0, json(f.toString(), "--format", "json", "--since", "8000000000000000000ns").get("total").asLong());
        out.getBuffer().setLength(0);
        assertEquals(all, json(f.toString(), "--format", "json", "--until", "9000000000s").get("total").asLong());
        out.getBuffer().setLength(0);
        assertEquals(all, json(f.toString(), "--format", "json", "--until", "9223372036854775807ns").get("total")
                .asLong());
    }

    @Test
    void aTimeOrOffsetBeyondSixtyFourBitsIsOneUsageLineNamingTheOption() throws IOException {
        Path f = file(FILE);
        String[][] bad = {{"--since", "9999999999h"}, {"--until", "99999999999999999999s"},
            {"--since", "3000-01-01T00:00:00Z"}, {"--until", "1600-01-01T00:00:00"}};
        for (String[] b : bad) {
            err.getBuffer().setLength(0);
            assertEquals(ExitCodes.USAGE, report(f.toString(), b[0], b[1]), err::toString);
            String e = err.toString();
            assertTrue(e.startsWith("dropscope: " + b[0] + ": ") && e.contains("'" + b[1] + "'")
                    && e.contains("(expected: "), e);
            assertEquals(1, e.lines().count(), e);
            assertFalse(e.contains("internal error") || e.contains("Exception") || e.contains("For input string"), e);
        }
        assertEquals("", out.toString());
    }

    @Test
    void foldedStacksAreRootFirstWithFunctionNames() throws IOException {
        assertEquals(ExitCodes.OK, report(file(FILE).toString(), "--folded"), err::toString);
        Map<String, Long> expected = ReportFiles.counts(EVENTS, e -> true, e -> {
            long[] frames = ReportFiles.STACKS.get(e.stackId());
            if (frames == null) {
                return ReportFiles.symbol(e);
            }
            List<String> names = new ArrayList<>();
            for (int i = frames.length - 1; i >= 0; i--) {
                names.add(ReportFiles.function(frames[i]));
            }
            return String.join(";", names);
        });
        Map<String, Long> got = new TreeMap<>();
        for (String l : out.toString().lines().toList()) {
            int space = l.lastIndexOf(' ');
            assertEquals(null, got.put(l.substring(0, space), Long.parseLong(l.substring(space + 1))), l);
        }
        assertEquals(expected, got);
    }

    /**
     * A file whose hot keys' stacks were sampled: the folded chains are the same, and both outputs
     * say how the stacks were taken (the note on standard error, which flame graph tools never read;
     * the SVG in its title). A file whose every drop has its stack says nothing.
     */
    @Test
    void sampledStacksAreSaidBesideTheFoldedChainsAndInTheSvgTitle() throws IOException {
        String sampling = "cold keys every drop, hot keys 1 in 1000";
        Path sampled = file(ReportFiles.write(EVENTS, 64, Map.of(RecordHeader.STACKS_PROPERTY, sampling)));
        Path svg = tmp.resolve("sampled.svg");
        assertEquals(ExitCodes.OK, report(sampled.toString(), "--folded", "--svg", svg.toString()), err::toString);
        String note = "stacks: " + sampling + ", so a hot key's drops are split between its stacks as sampled";
        assertEquals(List.of("dropscope: " + sampled + ": " + note), err.toString().lines().toList());
        String folded = out.toString();
        // The title is XML-escaped: key's is key&apos;s.
        assertTrue(Files.readString(svg).contains(">dropscope: drops by call chain, " + sampled + " ("
                + note.replace("'", "&apos;") + ")</text>"), "the title says so");
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        Path every = file(ReportFiles.write(EVENTS, 64, Map.of(RecordHeader.STACKS_PROPERTY,
                RecordHeader.STACKS_OF_EVERY_DROP)));
        assertEquals(ExitCodes.OK, report(every.toString(), "--folded", "--svg", svg.toString()), err::toString);
        assertEquals("", err.toString());
        assertEquals(folded, out.toString(), "the same chains");
        assertFalse(Files.readString(svg).contains("stacks:"));
    }

    /** Counted hot keys (the property, events of several drops) get a note; else nothing is said. */
    @Test
    void countedEventsAreNoted() throws IOException {
        String hot = "counted in the kernel from 1000 drops/s: such events carry the drops counted between two"
                + " reads, at the read's time";
        Path counted = file(ReportFiles.write(EVENTS, 64, Map.of(RecordHeader.HOT_KEYS_PROPERTY, hot)));
        assertEquals(ExitCodes.OK, report(counted.toString()), err::toString);
        assertEquals(List.of("dropscope: " + counted + ": keys " + hot), err.toString().lines().toList());
        String text = out.toString();
        List<DropEvent> ones = EVENTS.stream().map(e -> e.copy().set(e.timeNanos(), e.cpu(), e.origin(),
                e.location(), e.reason(), e.stackId(), 1)).toList();
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.OK, report(file(ReportFiles.write(ones, 64, Map.of(RecordHeader.HOT_KEYS_PROPERTY,
                hot))).toString()), err::toString);
        assertEquals("", err.toString(), "no event of more than one drop");
        out.getBuffer().setLength(0);
        assertEquals(ExitCodes.OK, report(file(FILE).toString()), err::toString);
        assertEquals("", err.toString(), "no property");
        assertEquals(text, out.toString(), "the note changes nothing in the report");
    }

    /**
     * The flame graph: well-formed XML, one rect per node of the call tree ("all" included), each
     * as wide as its share of the drops, and each level's widths adding up to the drops of the
     * chains that reach it.
     */
    @Test
    void theSvgHasOneRectPerFrameNodeWithWidthsInProportion() throws Exception {
        Path svg = tmp.resolve("flame.svg");
        assertEquals(ExitCodes.OK, report(file(FILE).toString(), "--folded", "--svg", svg.toString()), err::toString);
        Map<String, Long> chains = new TreeMap<>();
        for (String l : out.toString().lines().toList()) {
            chains.put(l.substring(0, l.lastIndexOf(' ')), Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)));
        }
        Set<String> nodes = new HashSet<>();
        Map<Integer, Long> perDepth = new TreeMap<>();
        chains.forEach((chain, count) -> {
            String[] frames = chain.split(";");
            for (int i = 1; i <= frames.length; i++) {
                nodes.add(String.join(";", Arrays.copyOf(frames, i)));
                perDepth.merge(i, count, Long::sum);
            }
        });
        long total = total(e -> true);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", doc.getDocumentElement().getTagName());
        NodeList groups = doc.getElementsByTagName("g");
        assertEquals(nodes.size() + 1, groups.getLength(), "one node per distinct chain prefix, and 'all'");
        Pattern title = Pattern.compile("(.+) \\(([0-9,]+) drops, [0-9.]+%\\)");
        Map<Double, Double> widthAtY = new TreeMap<>();
        double fullWidth = -1;
        for (int i = 0; i < groups.getLength(); i++) {
            Element g = (Element) groups.item(i);
            assertEquals(1, g.getElementsByTagName("rect").getLength());
            Element rect = (Element) g.getElementsByTagName("rect").item(0);
            Matcher m = title.matcher(g.getElementsByTagName("title").item(0).getTextContent());
            assertTrue(m.matches(), g.getTextContent());
            double width = Double.parseDouble(rect.getAttribute("width"));
            if (m.group(1).equals("all")) {
                fullWidth = width;
                assertEquals(total, Long.parseLong(m.group(2).replace(",", "")));
            }
            widthAtY.merge(Double.parseDouble(rect.getAttribute("y")), width, Double::sum);
        }
        double all = fullWidth;
        assertTrue(all > 0);
        List<Double> levels = new ArrayList<>(widthAtY.values());
        Collections.reverse(levels);
        assertEquals(perDepth.size() + 1, levels.size(), "levels: 'all' and each depth");
        assertEquals(all, levels.get(0), 1e-6);
        for (int d = 1; d < levels.size(); d++) {
            assertEquals(all * perDepth.get(d) / total, levels.get(d), 0.01, "depth " + d);
        }
    }

    @Test
    void aFileWithoutStacksHasNoFlameGraph() throws IOException {
        Path f = file(ReportFiles.write(ReportFiles.events(100, false), 64));
        assertEquals(ExitCodes.BAD_INPUT, report(f.toString(), "--folded"));
        assertTrue(err.toString().contains("no drop has a recorded call chain"), err::toString);
        assertEquals("", out.toString());
    }

    @Test
    void aTruncatedFileGivesTheReportBeforeTheDamageAndSaysWhere() throws IOException {
        byte[] cut = Arrays.copyOf(FILE, FILE.length * 2 / 3);
        long[] before = {0};
        ReadResult direct = new RecordReader(new ByteArrayInputStream(cut)).read(e -> before[0] += e.count());
        assertTrue(before[0] > 0 && before[0] < total(e -> true), "the cut leaves part of the file");
        JsonNode r;
        assertEquals(ExitCodes.BAD_INPUT, report(file(cut).toString(), "--format", "json"));
        r = JSON.readTree(out.toString());
        assertValid(r);
        assertEquals(before[0], r.get("total").asLong());
        assertFalse(r.get("complete").asBoolean());
        assertEquals(direct.damage().offset(), r.get("damage").get("offset").asLong());
        assertEquals(direct.damage().block(), r.get("damage").get("block").asLong());
        List<String> errors = err.toString().lines().toList();
        assertEquals(1, errors.size(), err::toString);
        assertTrue(errors.get(0).contains("stopped reading: " + direct.damage().getMessage()), err::toString);
        assertTrue(errors.get(0).contains("in block " + direct.damage().block() + " at byte "
                + direct.damage().offset()), err::toString);
    }

    /** A count of 2^63 or more (here u64 -7) is damage: the report of the events before it, never a negative total. */
    @Test
    void aCountPastSixtyThreeBitsIsDamageNotANegativeTotal() throws IOException {
        List<DropEvent> events = ReportFiles.events(6, false);
        long before = events.get(0).count() + events.get(1).count() + events.get(2).count() + events.get(3).count();
        events.get(4).set(events.get(4).timeNanos(), 0, DropOrigin.SOFTWARE, ReportFiles.PCS[0], ReportFiles.NO_SOCKET,
                DropSink.NO_STACK, -7);
        assertEquals(ExitCodes.BAD_INPUT, report(file(ReportFiles.write(events, 2)).toString(), "--format", "json"));
        JsonNode r = JSON.readTree(out.toString());
        assertValid(r);
        assertEquals(before, r.get("total").asLong(), "the two whole blocks before the damaged one");
        assertFalse(r.get("complete").asBoolean());
        assertEquals(2, r.get("damage").get("block").asLong());
        List<String> errors = err.toString().lines().toList();
        assertEquals(1, errors.size(), err::toString);
        assertTrue(errors.get(0).contains("event with count 18446744073709551609, past 2^63 - 1"), err::toString);
    }

    @Test
    void aFileOfANewerMajorVersionSaysWhichAndThatANewerDropscopeIsNeeded() throws IOException {
        byte[] newer = FILE.clone();
        newer[8] = 2;
        assertEquals(ExitCodes.BAD_INPUT, report(file(newer).toString()));
        assertTrue(err.toString().contains("the file is in record format 2.0; this dropscope reads format 1.x: read"
                + " it with a newer dropscope"), err::toString);
        assertEquals("", out.toString());
    }

    @Test
    void aFileOfNeitherKindIsRefused() throws IOException {
        Path f = tmp.resolve("notes.txt");
        Files.writeString(f, "some text, not drops\n");
        assertEquals(ExitCodes.BAD_INPUT, report(f.toString()));
        assertTrue(err.toString().startsWith("dropscope: " + f + ": neither a dropscope record file nor a pcap"),
                err::toString);
        assertEquals(ExitCodes.BAD_INPUT, report(tmp.resolve("absent").toString()));
        assertTrue(err.toString().endsWith("dropscope: cannot read " + tmp.resolve("absent")
                + ": no such file or directory\n"), err::toString);
    }

    /** The input, --kallsyms and --svg: one line naming the file and the reason in words, exit code 5. */
    @Test
    void aFileThatCannotBeReadOrWrittenIsNamedWithTheReasonInWords() throws IOException {
        Path dsr = file(FILE);
        Path absent = tmp.resolve("absent");
        Map<List<String>, String> cases = new LinkedHashMap<>();
        cases.put(List.of(dsr.toString(), "--kallsyms", absent.toString()), "cannot read --kallsyms " + absent
                + ": no such file or directory");
        cases.put(List.of(dsr.toString(), "--svg", absent.resolve("x.svg").toString()), "cannot write --svg "
                + absent.resolve("x.svg") + ": no such file or directory");
        cases.put(List.of(dsr.toString(), "--svg", tmp.toString()), "cannot write --svg " + tmp + ": is a directory");
        cases.put(List.of(dsr.toString(), "--svg", "/dev/full"), "cannot write --svg /dev/full: no space left on device");
        Path svg = Files.writeString(tmp.resolve("kept.svg"), "an earlier graph");
        Path link = Files.createSymbolicLink(tmp.resolve("link.svg"), svg);
        cases.put(List.of(dsr.toString(), "--svg", link.toString()), "cannot write --svg " + link + ": it is a symbolic"
                + " link, which dropscope does not follow to write (planted where a root process writes, it could make"
                + " it overwrite any file): name the file itself, or /dev/stdout for standard output");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            err.getBuffer().setLength(0);
            assertEquals(ExitCodes.BAD_INPUT, report(c.getKey().toArray(String[]::new)), err::toString);
            assertEquals("dropscope: " + c.getValue() + "\n", err.toString());
        }
        assertEquals("an earlier graph", Files.readString(svg));
    }

    /** What is wrong with a file that is no capture comes first, not the family id it lacks. */
    @Test
    void aFileThatIsNoCaptureSaysWhyWithOrWithoutFamilyId() throws IOException {
        byte[] pcap = Files.readAllBytes(Path.of("src/test/resources/fixtures/netlink/netdm-6.1.pcap"));
        Path file = tmp.resolve("capture.pcap");
        for (Map.Entry<String, byte[]> f : Captures.noCaptures(pcap).entrySet()) {
            Files.write(file, f.getValue());
            for (List<String> args : List.of(List.of(file.toString()), List.of(file.toString(), "--family-id", "32"))) {
                err.getBuffer().setLength(0);
                assertEquals(ExitCodes.BAD_INPUT, report(args.toArray(String[]::new)), err::toString);
                assertEquals("dropscope: " + file + ": " + f.getKey() + "\n", err.toString());
                assertEquals("", out.toString());
            }
        }
    }

    /**
     * A damaged NET_DM_ATTR_SYMBOL whose %pS offset has 17 hex digits is no symbol: the drop
     * counts at its raw address, and nothing calls it a bad command line.
     */
    @Test
    void aSymbolAttributeWithAnOverlongOffsetIsNoSymbol() throws IOException {
        byte[] pcap = Files.readAllBytes(Path.of("src/test/resources/fixtures/netlink/netdm-6.1.pcap"));
        byte[] good = "__udp4_lib_rcv+0x9a2/0xc30".getBytes(StandardCharsets.US_ASCII);
        // The same length, so that every netlink and pcap length still holds.
        byte[] bad = "x+0x000000000000009a2/0xc3".getBytes(StandardCharsets.US_ASCII);
        assertEquals(good.length, bad.length);
        int replaced = 0;
        for (int i = 0; i + good.length <= pcap.length; i++) {
            if (Arrays.equals(pcap, i, i + good.length, good, 0, good.length)) {
                System.arraycopy(bad, 0, pcap, i, bad.length);
                replaced++;
            }
        }
        assertEquals(6, replaced, "the fixture's packet alerts");
        Path damaged = tmp.resolve("damaged.pcap");
        Files.write(damaged, pcap);
        assertEquals(ExitCodes.OK, report(damaged.toString(), "--format", "dropwatch"), err::toString);
        assertEquals("", err.toString());
        assertTrue(out.toString().lines().anyMatch(l -> l.matches("\\d+ drops at location 0xffffffff90cbcae2"
                + " \\[software\\]")), out::toString);
        assertFalse(out.toString().contains("x+"), out::toString);
    }

    /**
     * A pipe holding a capture without its family reply: finding the id takes the whole capture,
     * which is spooled for the second pass; the report is the file's.
     */
    @Test
    void readsACaptureWithoutItsFamilyReplyFromAPipe() throws IOException {
        byte[] alerts = Captures.alertsOnly(Files.readAllBytes(Path.of("src/test/resources/fixtures/netlink/"
                + "netdm-6.1.pcap")));
        String fromFile = json(file(alerts).toString(), "--format", "json").toString();
        String noteFromFile = err.toString();
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        cli.stdin(new ByteArrayInputStream(alerts));
        assertEquals(fromFile, json("-", "--format", "json").toString());
        assertTrue(noteFromFile.contains("generic netlink family id 32"), noteFromFile);
        assertEquals(noteFromFile.replace(file(alerts).toString(), "standard input"), err.toString());
    }

    @Test
    void readsARecordingFromAPipe() throws Exception {
        PipedInputStream pipe = new PipedInputStream(4096);
        PipedOutputStream writer = new PipedOutputStream(pipe);
        Thread producer = new Thread(() -> {
            try (writer) {
                for (int at = 0; at < FILE.length; at += 1000) {
                    writer.write(FILE, at, Math.min(1000, FILE.length - at));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        cli.stdin(pipe);
        try {
            producer.start();
            JsonNode r = json("-", "--format", "json", "--group", "reason");
            assertEquals(ReportFiles.counts(EVENTS, e -> true, ReportFiles::reason), rows(r, n -> text(n.get("reason"))));
            assertTrue(r.get("complete").asBoolean());
        } finally {
            producer.join();
        }
    }

    /**
     * The genuine capture: per symbol and reason, report counts what dropwatch printed while it
     * was taken (summary lines: count per location, no reason; packet blocks: one drop each).
     */
    @Test
    void theNetDmCaptureCountsWhatDropwatchPrinted() throws IOException {
        Path fixtures = Path.of("src/test/resources/fixtures/netlink");
        Map<String, Long> dropwatch = new TreeMap<>();
        Pattern summary = Pattern.compile("(\\d+) drops at ([^+ ]+)\\+[0-9a-f]+ \\(0x[0-9a-f]+\\) \\[software\\]");
        Pattern packet = Pattern.compile("drop at: ([^+ ]+)\\+0x.*");
        String symbol = null;
        for (String l : Files.readAllLines(fixtures.resolve("netdm-6.1-dropwatch.txt"))) {
            Matcher s = summary.matcher(l);
            Matcher p = packet.matcher(l);
            if (s.matches()) {
                dropwatch.merge(s.group(2) + "|-", Long.parseLong(s.group(1)), Long::sum);
            } else if (p.matches()) {
                symbol = p.group(1);
            } else if (l.startsWith("drop reason: ")) {
                dropwatch.merge(symbol + "|" + l.substring("drop reason: ".length()), 1L, Long::sum);
            }
        }
        assertTrue(dropwatch.size() >= 4, dropwatch::toString);
        JsonNode r = json(fixtures.resolve("netdm-6.1.pcap").toString(), "--format", "json", "--kallsyms",
                "kallsyms-fixtures/debian-6.1.0-56-amd64-netdm.kallsyms.gz");
        assertEquals(dropwatch, rows(r, n -> text(n.get("symbol")) + "|" + text(n.get("reason"))));
        assertEquals("pcap", r.get("input").asText());
        assertEquals(dropwatch.values().stream().mapToLong(Long::longValue).sum(), r.get("total").asLong());
    }

    @Test
    void aCaptureCutShortGivesTheReportOfItsWholeRecordsAndSaysWhichRecordIsCut() throws IOException {
        byte[] whole = Files.readAllBytes(Path.of("src/test/resources/fixtures/netlink/netdm-6.1.pcap"));
        Path cut = tmp.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 100));
        assertEquals(ExitCodes.BAD_INPUT, report(cut.toString(), "--format", "json"));
        JsonNode r = JSON.readTree(out.toString());
        assertValid(r);
        assertFalse(r.get("complete").asBoolean());
        assertTrue(r.get("total").asLong() > 0, out::toString);
        assertTrue(err.toString().matches("dropscope: " + Pattern.quote(cut.toString()) + ": stopped reading: record"
                + " \\d+ at byte \\d+: file ends after .*; the report covers everything before it\n"), err::toString);
    }

    /** A packet alert timestamp of 2^63 or more is no time: that alert is skipped and named, not counted in 1969. */
    @Test
    void anAlertTimestampPastSixtyThreeBitsSkipsThatAlertNamingItsRecord() throws IOException {
        Path pcap = Path.of("src/test/resources/fixtures/netlink/netdm-6.1.pcap");
        JsonNode all = json(pcap.toString(), "--format", "json", "--group", "second");
        long whole = all.get("total").asLong();
        Set<Long> seconds = new HashSet<>();
        all.get("rows").forEach(row -> seconds.add(row.get("second").asLong()));
        byte[] bad = Files.readAllBytes(pcap);
        int record = Captures.setFirstAlertTimestamp(bad, -1);
        out.getBuffer().setLength(0);
        assertEquals(ExitCodes.BAD_INPUT, report(file(bad).toString(), "--format", "json", "--group", "second"));
        JsonNode r = JSON.readTree(out.toString());
        assertValid(r);
        assertEquals(whole - 1, r.get("total").asLong());
        for (JsonNode row : r.get("rows")) {
            assertTrue(seconds.contains(row.get("second").asLong()), () -> row + ": a second of the capture");
        }
        assertTrue(err.toString().contains(": record " + record + ": NET_DM_CMD_PACKET_ALERT: NET_DM_ATTR_TIMESTAMP"
                + " 18446744073709551615 ns is past 2^63 - 1"), err::toString);
    }

    /** Without kallsyms a capture names only what its packet alerts name: summary pcs stay raw. */
    @Test
    void aCaptureWithoutKallsymsNamesWhatItsPacketAlertsName() throws IOException {
        assertEquals(ExitCodes.OK, report("src/test/resources/fixtures/netlink/netdm-6.1.pcap", "--format",
                "dropwatch"), err::toString);
        assertTrue(out.toString().lines().anyMatch(l -> l.matches("\\d+ drops at __udp4_lib_rcv\\+9a2"
                + " \\(0xffffffff90cbcae2\\) \\[software\\]")), out::toString);
        assertTrue(out.toString().lines().anyMatch(l -> l.matches("\\d+ drops at location 0x[0-9a-f]+ \\[software\\]")),
                out::toString);
    }

    /** The family reply cut by a snapshot length: the id must be given, as replay asks. */
    @Test
    void aCaptureWithoutItsFamilyReplyIsReadWithFamilyId() throws IOException {
        Path cut = tmp.resolve("s96.pcap");
        Files.write(cut, Captures.snapshotLength(
                Files.readAllBytes(Path.of("src/test/resources/fixtures/netlink/netdm-6.1.pcap")), 96));
        assertEquals(ExitCodes.BAD_INPUT, report(cut.toString(), "--format", "json"));
        assertTrue(err.toString().contains("give the id with --family-id"), err::toString);
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        // What fits in 96 bytes is counted (small summary alerts); the cut packet alerts are named.
        assertEquals(ExitCodes.BAD_INPUT, report(cut.toString(), "--format", "json", "--family-id", "32"));
        JsonNode r = JSON.readTree(out.toString());
        assertValid(r);
        assertTrue(r.get("total").asLong() > 0, out::toString);
        assertFalse(r.get("complete").asBoolean(), out::toString);
    }
}
