// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.dropscope.daemon.StreamCopy;
import org.dropscope.filter.Expr;
import org.dropscope.filter.FilterException;
import org.dropscope.filter.FilterParser;
import org.dropscope.io.OutputFiles;
import org.dropscope.ksym.KallsymsUnavailableException;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.pcap.PcapFormatException;
import org.dropscope.pcap.Rereadable;
import org.dropscope.record.ReadResult;
import org.dropscope.record.RecordFormatException;
import org.dropscope.report.GroupKey;
import org.dropscope.report.Report;
import org.dropscope.report.ReportQuery;
import org.dropscope.report.ReportReader;
import org.dropscope.report.SegmentReport;
import org.dropscope.report.TimeBound;
import org.dropscope.source.SourceException;
import org.dropscope.view.Printable;
import org.dropscope.view.report.CsvReport;
import org.dropscope.view.report.DropwatchReport;
import org.dropscope.view.report.FlameGraphSvg;
import org.dropscope.view.report.FoldedStacks;
import org.dropscope.view.report.JsonReport;
import org.dropscope.view.report.TextReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dropscope report FILE}: where and why a recording's packets were dropped (docs/report.md). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Counts the drops of a recording by symbol, reason, stack, cpu, protocol or second.",
            "FILE is a dropscope record file (dropscope record -o FILE) or a NET_DM capture (dropscope dump,"
                + " dwdump, tcpdump on an nlmon device), told apart by its first bytes; - reads standard input.",
            "A directory is read as one recording: its record files (*.dsr, the segments of dropscope daemon's"
                + " flight recorder) in name order; there --since and --until count back from now (10m: ten minutes"
                + " ago; 03:00: today's) and a damaged segment is said in one line while the others go on.",
            "With --connect, reports a running daemon's flight recording instead (no FILE, no root): the daemon"
                + " sends the drops from --since to --until (counted back from now) and this reports them as a file.",
            "A file cut short or damaged gives the report of everything before the damage, a line on standard"
                + " error saying where, and exit code 5."})
public final class ReportCommand implements Callable<Integer> {
    /** The formats of {@code --format}. */
    enum Format { text, json, csv, dropwatch }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "The record file or capture, a directory of record files, or -"
            + " for standard input.")
    String file;

    @Mixin
    ConnectOption connect = new ConnectOption();

    @Option(names = "--group", paramLabel = "KEY", split = ",",
            description = "Row keys, comma-separated or repeated: symbol, location, reason, stack, cpu, proto,"
                    + " second. Default: symbol,reason.")
    List<String> groups;

    @Option(names = {"-f", "--filter"}, paramLabel = "EXPR",
            description = "Count only drops the expression keeps (docs/filter.md), e.g. 'reason == NO_SOCKET'.")
    String filter;

    @Option(names = "--since", paramLabel = "TIME",
            description = "Count drops from TIME on: an offset from the recording's start (5s, 1m30s, 250ms) or a"
                    + " time (2026-11-22T06:00:00Z; 06:00:00 and 2026-11-22T06:00:00 are local).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Count drops before TIME; as --since.")
    String until;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default), json, csv, or dropwatch (one dropwatch summary line per location).")
    Format format;

    @Option(names = "--folded", description = "Print folded call chains (frame;frame;frame count, root first) for"
            + " flamegraph.pl, inferno or speedscope; the file must have been recorded with call chains.")
    boolean folded;

    @Option(names = "--svg", paramLabel = "OUT", description = "Write a flame graph of the call chains to OUT, an"
            + " SVG file any browser opens (a new one created 0600; not a symbolic link; /dev/stdout works).")
    Path svg;

    @Option(names = "--kallsyms", paramLabel = "FILE", description = "A saved /proc/kallsyms (plain or gzip) of"
            + " the captured machine and boot, to name a capture's summary-alert locations.")
    Path kallsyms;

    @Option(names = "--family-id", paramLabel = "ID",
            description = "NET_DM's generic netlink family id in a capture that holds no family reply (as replay).")
    Integer familyId;

    @Override
    public Integer call() throws IOException {
        if (connect.given() == (file != null)) {
            return Failures.line(spec.commandLine().getErr(), ExitCodes.USAGE, "name a FILE to report, or give"
                    + " --connect [SOCKET] for the daemon's flight recorder, not both");
        }
        if (connect.given()) {
            file = "the daemon at " + connect.socket;
        }
        String name = file.equals("-") ? "standard input" : file;
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean stacks = folded || svg != null;
        if (groups != null && (stacks || format == Format.dropwatch)) {
            return Failures.line(err, ExitCodes.USAGE, "--group does not go with " + (stacks ? "--folded or --svg"
                    + " (they group by call chain)" : "--format dropwatch (it groups by location)"));
        }
        ReportQuery query;
        try {
            List<GroupKey> keys = stacks ? List.of(GroupKey.STACK, GroupKey.SYMBOL)
                    : format == Format.dropwatch ? List.of(GroupKey.LOCATION)
                    : groups == null ? GroupKey.DEFAULT : GroupKey.parse(groups);
            Expr expr = filter == null ? null : FilterParser.parse(filter);
            query = new ReportQuery(keys, expr, since == null ? null : TimeBound.parse("--since", since),
                    until == null ? null : TimeBound.parse("--until", until), ZoneId.systemDefault());
        } catch (FilterException e) {
            return Failures.line(err, ExitCodes.USAGE, "--filter: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // GroupKey and TimeBound say which value of which option they cannot read.
            return Failures.line(err, ExitCodes.USAGE, e.getMessage());
        }
        LongFunction<KernelSymbol> symbols;
        try {
            symbols = kallsyms == null ? null : new Symbolizer(() -> ReplayCommand.open(kallsyms), () -> null)::resolve;
        } catch (KallsymsUnavailableException e) {
            return Failures.line(err, ExitCodes.NO_PERMISSION, kallsyms + ": " + e.getMessage());
        } catch (IOException e) {
            return Failures.cannot(err, ExitCodes.BAD_INPUT, "read", "--kallsyms " + kallsyms, e);
        }
        ReportReader.Result result;
        if (connect.given()) {
            Instant now = Instant.now();
            long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            ZoneId zone = ZoneId.systemDefault();
            byte[] bytes;
            try (StreamCopy copy = StreamCopy.report(connect.socket, DropscopeCommand.VERSION,
                    query.since() == null ? Long.MIN_VALUE : query.since().resolveBack(nowNanos, zone),
                    query.until() == null ? Long.MAX_VALUE : query.until().resolveBack(nowNanos, zone))) {
                ByteArrayOutputStream spool = new ByteArrayOutputStream();
                ReadResult r;
                try {
                    r = copy.copyTo(spool, h -> { });
                } catch (IOException e) {
                    r = null;
                }
                if (copy.error() != null) {
                    return Failures.line(err, ExitCodes.SYSTEM, copy.error());
                }
                if (r == null || !r.complete()) {
                    return Failures.line(err, ExitCodes.SYSTEM, name + " ended the report before its end record");
                }
                bytes = spool.toByteArray();
            } catch (SourceException e) {
                return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
            }
            // The daemon chose the drops of the range: nothing more to cut here.
            query = new ReportQuery(query.groups(), query.filter(), null, null, zone);
            try (Rereadable in = Rereadable.spooling(new ByteArrayInputStream(bytes))) {
                result = ReportReader.read(in, query, null, OptionalInt.empty());
            } catch (RecordFormatException e) {
                return Failures.line(err, ExitCodes.BAD_INPUT, name + ": " + e.getMessage());
            }
        } else if (!file.equals("-") && Files.isDirectory(Path.of(file))) {
            Instant now = Instant.now();
            List<SegmentReport.Segment> segments;
            try {
                segments = segments(Path.of(file));
            } catch (IOException e) {
                return Failures.cannot(err, ExitCodes.BAD_INPUT, "list the directory", name, e);
            }
            if (segments.isEmpty()) {
                return Failures.line(err, ExitCodes.BAD_INPUT, name + ": no record files (*.dsr) in this directory:"
                        + " name a record file, or a flight recorder's directory (dropscope daemon --record-dir)");
            }
            result = SegmentReport.read(segments, query, now.getEpochSecond() * 1_000_000_000L + now.getNano());
        } else {
            try (Rereadable in = file.equals("-") ? Rereadable.spooling(System.in) : Rereadable.of(Path.of(file))) {
                result = ReportReader.read(in, query, symbols,
                        familyId == null ? OptionalInt.empty() : OptionalInt.of(familyId));
            } catch (RecordFormatException | PcapFormatException e) {
                return Failures.line(err, ExitCodes.BAD_INPUT, name + ": " + e.getMessage());
            } catch (IOException e) {
                return Failures.cannot(err, ExitCodes.BAD_INPUT, "read", name, e);
            }
        }
        Report report = result.report();
        result.notes().forEach(n -> err.println(Printable.text("dropscope: " + name + ": " + n)));
        result.skipped().forEach(n -> err.println(Printable.text("dropscope: " + name + ": " + n)));
        if (stacks && !report.stacks()) {
            return Failures.line(err, ExitCodes.BAD_INPUT, name + ": no drop " + (query.filter() != null
                    || query.since() != null || query.until() != null ? "kept " : "") + "has a recorded call chain,"
                    + " so there is no flame graph to draw (record with call chains: dropscope record -g)");
        }
        List<FoldedStacks.Stack> chains = stacks ? FoldedStacks.of(report) : List.of();
        // Sampled stacks: each key's total is exact, its split between stacks a sample.
        String sampled = stacks && report.facts().stacksSampled()
                ? "stacks: " + report.facts().stackSampling() + ", so a hot key's drops are split between its"
                        + " stacks as sampled" : null;
        if (sampled != null && folded) {
            err.println(Printable.text("dropscope: " + name + ": " + sampled));
        }
        if (svg != null) {
            try (PrintWriter w = new CheckedWriter(OutputFiles.open(svg), StandardCharsets.UTF_8, false)) {
                FlameGraphSvg.write(chains, "dropscope: drops by call chain, " + file
                        + (sampled != null ? " (" + sampled + ")" : ""), w);
                IOException e = CheckedWriter.failure(w);
                if (e != null) {
                    throw e;
                }
            } catch (IOException e) {
                return Failures.cannotWrite(err, "--svg " + svg, e, "");
            }
        }
        try {
            write(report, chains, out);
        } catch (IOException e) {
            return Failures.cannotWrite(err, "standard output", e, "");
        }
        Integer failed = Failures.output(out, err);
        if (failed != null) {
            return failed;
        }
        if (report.damage() != null) {
            return Failures.line(err, ExitCodes.BAD_INPUT, name + ": stopped reading: " + report.damage().message()
                    + "; the report covers everything before it");
        }
        err.flush();
        return result.skipped().isEmpty() ? ExitCodes.OK : ExitCodes.BAD_INPUT;
    }

    /** A directory's record files ({@code *.dsr}, a flight recorder's segments), in name order: oldest first. */
    static List<SegmentReport.Segment> segments(Path dir) throws IOException {
        List<SegmentReport.Segment> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(".dsr") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .forEach(p -> out.add(new SegmentReport.Segment() {
                        @Override
                        public String name() {
                            return p.toString();
                        }

                        @Override
                        public InputStream open() throws IOException {
                            return Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS);
                        }
                    }));
        }
        return out;
    }

    /** Writes the report to standard output in the chosen format: folded stacks, or nothing beside --svg. */
    private void write(Report report, List<FoldedStacks.Stack> chains, PrintWriter out) throws IOException {
        if (folded) {
            FoldedStacks.write(chains, out);
            return;
        }
        if (svg != null) {
            return;
        }
        switch (format) {
            case json:
                JsonReport.write(report, out);
                break;
            case csv:
                CsvReport.write(report, out);
                break;
            case dropwatch:
                DropwatchReport.write(report, out);
                break;
            default:
                TextReport.write(report, out);
                break;
        }
    }
}
