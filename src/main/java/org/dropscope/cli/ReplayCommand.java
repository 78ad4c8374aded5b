// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import org.dropscope.capture.NetDmReplay;
import org.dropscope.event.AlertListener;
import org.dropscope.event.PacketDrop;
import org.dropscope.ksym.KallsymsUnavailableException;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.names.DropNames;
import org.dropscope.netlink.dropmon.NetDmMessage;
import org.dropscope.pcap.PcapFormatException;
import org.dropscope.pcap.Rereadable;
import org.dropscope.source.LiveNames;
import org.dropscope.view.DropwatchLines;
import org.dropscope.view.DropwatchReplies;
import org.dropscope.view.PacketBlock;
import org.dropscope.view.Printable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dropscope replay FILE}: what dropwatch printed for the NET_DM messages of a capture. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Prints, line for line, what dropwatch printed for the NET_DM messages of a capture:"
                + " summary lines, packet-mode blocks, show and stats answers.",
            "FILE is a LINKTYPE_NETLINK pcap: captured on an nlmon device (tcpdump -i nlmon0 -w FILE), written by"
                + " dwdump, or by dropscope dump; - reads standard input."})
public final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The capture, or - for standard input.")
    String file;

    @Option(names = "--kallsyms", paramLabel = "FILE",
            description = "A saved /proc/kallsyms (plain or gzip) of the machine and boot the capture is from, to"
                    + " name summary-mode drop locations as dropwatch -l kas did there.")
    Path kallsyms;

    @Option(names = {"-l", "--lmethod"}, paramLabel = "kas|none",
            description = "Name summary locations from --kallsyms, or from this machine's /proc/kallsyms when"
                    + " --kallsyms is not given (kas); or print raw addresses (none). Default: kas with"
                    + " --kallsyms, else none.")
    String lookupMethod;

    @Option(names = "--family-id", paramLabel = "ID",
            description = "NET_DM's generic netlink family id in the capture, when it holds no family reply.")
    Integer familyId;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Symbolizer symbols;
        try {
            symbols = symbolizer();
        } catch (KallsymsUnavailableException e) {
            return Failures.line(err, ExitCodes.NO_PERMISSION, e.getMessage());
        } catch (IOException e) {
            return Failures.cannot(err, ExitCodes.BAD_INPUT, "read", kallsyms != null ? "--kallsyms " + kallsyms
                    : "/proc/kallsyms", e);
        }
        // Summaries carry trap names (DropwatchReplies prints them as sent) and no reason: only pcs need names.
        DropwatchLines lines = new DropwatchLines(new LiveNames(symbols, DropNames.NONE, null));
        DropwatchReplies replies = new DropwatchReplies(lines);
        PacketBlock blocks = new PacketBlock(ZoneId.systemDefault());
        int[] malformed = {0};
        String name = file.equals("-") ? "standard input" : file;
        try (Rereadable pcap = file.equals("-") ? Rereadable.spooling(System.in) : Rereadable.of(Path.of(file))) {
            NetDmReplay.replay(pcap, familyId == null ? OptionalInt.empty() : OptionalInt.of(familyId),
                    new NetDmReplay.Handler() {
                        @Override
                        public void record(int number, long epochNanos) {
                            if (out.checkError()) {
                                // Standard output is gone or full: what follows could not be written either.
                                throw new OutputFailed();
                            }
                        }

                        @Override
                        public void summary(List<AlertListener.SummaryEntry> entries) {
                            replies.summary(entries).forEach(out::println);
                        }

                        @Override
                        public void packet(PacketDrop drop) {
                            blocks.lines(drop).forEach(out::println);
                        }

                        @Override
                        public void config(NetDmMessage.Config c) {
                            DropwatchReplies.config(c.isPacketMode(), c.truncLength(), c.queueLength())
                                    .forEach(out::println);
                        }

                        @Override
                        public void stats(NetDmMessage.Stats s) {
                            DropwatchReplies.stats(s.dropped(), s.hwDropped()).forEach(out::println);
                        }

                        @Override
                        public void note(String message) {
                            err.println(Printable.text("dropscope: " + name + ": " + message));
                        }

                        @Override
                        public void malformed(int record, String why) {
                            malformed[0]++;
                            err.println(Printable.text("dropscope: " + name + ": record " + record + ": " + why
                                    + " (skipped)"));
                        }
                    });
        } catch (OutputFailed e) {
            return Failures.output(out, err);
        } catch (PcapFormatException e) {
            Integer failed = Failures.output(out, err);
            // Damage inside a record: what came before it has been printed, and is all there is.
            return failed != null ? failed : Failures.line(err, ExitCodes.BAD_INPUT, name + ": " + e.getMessage()
                    + (e.getMessage().startsWith("record ") ? "; the lines printed are those of the records before it"
                    : ""));
        } catch (IOException e) {
            Integer failed = Failures.output(out, err);
            return failed != null ? failed : Failures.cannot(err, ExitCodes.BAD_INPUT, "read", name, e);
        }
        Integer failed = Failures.output(out, err);
        if (failed != null) {
            return failed;
        }
        err.flush();
        return malformed[0] == 0 ? ExitCodes.OK : ExitCodes.BAD_INPUT;
    }

    /** kallsyms as -l and --kallsyms choose, or {@code null} for none. */
    private Symbolizer symbolizer() throws IOException {
        String method = lookupMethod != null ? lookupMethod : kallsyms != null ? "kas" : "none";
        switch (method) {
            case "none":
                return null;
            case "kas":
                return kallsyms != null ? new Symbolizer(() -> open(kallsyms), () -> null) : Symbolizer.fromProc();
            default:
                throw new UsageException("unknown lookup method " + method + " (use kas or none)");
        }
    }

    /** A saved kallsyms, gunzipped when it starts with gzip's magic. */
    static Reader open(Path path) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(path));
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            in = new GZIPInputStream(in);
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    /** Ends a replay whose standard output failed; {@link Failures#output} says why. */
    private static final class OutputFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutputFailed() {
            super(null, null, false, false);
        }
    }
}
