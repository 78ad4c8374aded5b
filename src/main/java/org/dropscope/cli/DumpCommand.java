// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.dropscope.io.OutputFiles;
import org.dropscope.nativeio.Errno;
import org.dropscope.nativeio.NetlinkConstants;
import org.dropscope.netlink.NetlinkKernelException;
import org.dropscope.pcap.PcapWriter;
import org.dropscope.source.NetDmSettings;
import org.dropscope.source.SourceException;
import org.dropscope.source.netdm.NetDmConnection;
import org.dropscope.source.netdm.NetDmDump;
import org.dropscope.source.netdm.NetDmSockets;
import org.dropscope.view.DropwatchReplies;
import org.dropscope.view.Printable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dropscope dump}: dropwatch's {@code dwdump}. Writes NET_DM's packet alerts, as the kernel
 * sends them, into a LINKTYPE_NETLINK pcap for Wireshark, or queries and stops NET_DM.
 */
@Command(name = "dump", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes the packets the kernel drops, as NET_DM (drop_monitor) reports them, into a pcap"
                + " file that Wireshark and tshark decode (net_dm): what dropwatch's dwdump does.",
            "Configures NET_DM for packet alerts, starts monitoring and writes every alert until Ctrl-C or"
                + " SIGTERM; then stops monitoring and puts NET_DM's previous configuration back. The file starts"
                + " with the kernel's list of generic netlink families, which tells Wireshark which messages are"
                + " NET_DM's. At the end, one line on standard error says how many messages were written and"
                + " how many were lost.",
            "Example: dropscope dump -t 128 | tshark -V -r -"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success, also when Ctrl-C, SIGTERM or the end of a pipe ended the dump",
            "2:bad command line",
            "3:missing privilege: CAP_NET_ADMIN to configure, CAP_SYS_ADMIN to receive alerts (root)",
            "4:the kernel has no NET_DM (drop_monitor), or refuses what was asked (hardware drops)",
            "5:the pcap file or standard output cannot be written (a symbolic link, a full disk)",
            "6:a request failed otherwise, e.g. NET_DM is busy with another monitor"})
public final class DumpCommand implements Callable<Integer> {
    /** What dump offers where the kernel has no NET_DM. */
    static final String ALTERNATIVE = "use the skb:kfree_skb tracepoint instead: dropscope --source tracepoint"
            + " shows where packets are dropped (it writes no pcap)";
    /** The most payload bytes NET_DM sends per packet (NET_DM_MAX_PACKET_SIZE, 0xffff - 8, fits below this). */
    static final long MAX_TRUNC = 0xffff;
    static final long MAX_U32 = 0xffff_ffffL;
    static final long MAX_BUFSIZE = 1L << 30;

    @Spec
    CommandSpec spec;

    @Option(names = {"-w", "--write"}, paramLabel = "FILE", defaultValue = "-",
            description = "Write the pcap to FILE (a new one created 0600; not a symbolic link), or to standard"
                    + " output with - (the default),"
                    + " flushed after every message so that a pipe to tshark -r - shows each at once.")
    String file;

    @Option(names = {"-t", "--trunc"}, paramLabel = "LEN",
            description = "Keep at most LEN bytes of each dropped packet, 0 to 65535. Default: 0, whole packets.")
    Long trunc;

    @Option(names = {"-l", "--limit"}, paramLabel = "N",
            description = "The kernel's per-CPU queue of packets waiting to be reported; packets beyond it are"
                    + " counted as tail drops. Default: 1000.")
    Long limit;

    @Option(names = {"-q", "--query"}, description = "Print NET_DM's configuration and exit.")
    boolean query;

    @Option(names = {"-s", "--stats"}, description = "Print NET_DM's tail-drop counters and exit.")
    boolean stats;

    @Option(names = {"-p", "--passive"},
            description = "Only listen: leave NET_DM's configuration and monitoring to another monitor.")
    boolean passive;

    @Option(names = {"-b", "--bufsize"}, paramLabel = "BYTES",
            description = "Receive buffer of the alert socket. Default: 1048576 (1 MiB).")
    Long bufsize;

    @Option(names = {"-o", "--origin"}, paramLabel = "sw|hw",
            description = "Monitor only software (sw) or hardware (hw) drops. Default: both.")
    String origin;

    @Option(names = {"-e", "--exit"}, description = "Tell the kernel to stop monitoring (STOP), and exit.")
    boolean exit;

    /** Where NET_DM's sockets come from; tests replay captured messages instead. */
    NetDmSockets sockets = NetDmSockets.KERNEL;
    /** Standard output, for {@code -w -}; null for the process's own. */
    OutputStream stdout;
    /** Whether SIGINT and SIGTERM end the dump; tests call {@link #interrupt()} instead. */
    boolean handleSignals = true;
    private volatile NetDmDump running;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        NetDmDump.Options options = validate();
        NetDmConnection connection;
        try {
            connection = NetDmConnection.connect(sockets, ALTERNATIVE, NetDmConnection.DEFAULT_ALERT_BUFFER);
        } catch (SourceException e) {
            return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
        }
        try {
            if (query || stats || exit) {
                return control(connection, options);
            }
            return dump(connection, options);
        } finally {
            String problem = connection.closeAndRestore();
            if (problem != null) {
                Failures.line(err, ExitCodes.SYSTEM, problem);
            }
        }
    }

    /** What SIGINT does: the dump stops monitoring, writes what the kernel sent before, and ends. */
    void interrupt() {
        NetDmDump d = running;
        if (d != null) {
            d.requestStop();
        }
    }

    /**
     * Checks the options against each other and their ranges.
     *
     * @throws UsageException (one line, exit code 2) when they do not fit
     */
    NetDmDump.Options validate() {
        if (file.equals("-") && stdout == null && System.console() != null && !(query || stats || exit)) {
            // As tcpdump -w - does not either: a pcap is not for reading on a terminal.
            throw new UsageException("standard output is a terminal: write the pcap to a file with -w FILE,"
                    + " or pipe it (dropscope dump | tshark -r -)");
        }
        int actions = (query ? 1 : 0) + (stats ? 1 : 0) + (exit ? 1 : 0) + (passive ? 1 : 0);
        if (actions > 1) {
            throw new UsageException("-q/--query, -s/--stats, -e/--exit and -p/--passive exclude each"
                    + " other: choose one");
        }
        String action = query ? "-q/--query" : stats ? "-s/--stats" : exit ? "-e/--exit" : passive ? "-p/--passive"
                : null;
        if (action != null && (trunc != null || limit != null)) {
            throw new UsageException((trunc != null ? "-t/--trunc" : "-l/--limit")
                    + " configures NET_DM, which " + action + " leaves as it is");
        }
        if (action != null && !exit && origin != null) {
            throw new UsageException("-o/--origin chooses what monitoring starts and stops, which " + action
                    + " does not do");
        }
        if ((query || stats || exit) && (!file.equals("-") || bufsize != null)) {
            throw new UsageException((bufsize != null ? "-b/--bufsize" : "-w/--write") + " is for"
                    + " dumping; " + action + " writes no pcap");
        }
        long t = check("-t/--trunc", trunc, 0, 0, MAX_TRUNC);
        long l = check("-l/--limit", limit, NetDmDump.DEFAULT_QUEUE_LENGTH, 1, MAX_U32);
        long b = check("-b/--bufsize", bufsize, NetDmDump.DEFAULT_RECEIVE_BUFFER, 1, MAX_BUFSIZE);
        if (origin != null && !origin.equals("sw") && !origin.equals("hw")) {
            throw new UsageException("-o/--origin takes sw or hw, not '" + origin + "'");
        }
        if (file.isEmpty()) {
            throw new UsageException("-w/--write needs a file name, or - for standard output");
        }
        boolean software = origin == null || origin.equals("sw");
        boolean hardware = origin == null || origin.equals("hw");
        return new NetDmDump.Options(passive, t, l, software, hardware, (int) b);
    }

    private static long check(String name, Long value, long absent, long min, long max) {
        if (value == null) {
            return absent;
        }
        if (value < min || value > max) {
            throw new UsageException(name + " takes " + min + " to " + max + ", not " + value);
        }
        return value;
    }

    /** -q, -s, -e: one request each, answered on standard output as dropwatch prints it (-e: silently). */
    private int control(NetDmConnection connection, NetDmDump.Options o) {
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (query) {
                NetDmSettings.Config c = connection.config();
                DropwatchReplies.config(c.packetMode(), c.truncLength(), c.queueLength()).forEach(out::println);
            } else if (stats) {
                NetDmSettings.Stats s = connection.stats();
                DropwatchReplies.stats(s.softwareTailDropped(), s.hardwareTailDropped()).forEach(out::println);
            } else {
                connection.setMonitored(o.software(), o.hardware());
                connection.sendStop();
            }
        } catch (SourceException e) {
            return Failures.line(spec.commandLine().getErr(), ExitCodes.of(e.kind()), e.getMessage());
        } finally {
            out.flush();
        }
        return ExitCodes.OK;
    }

    private int dump(NetDmConnection connection, NetDmDump.Options options) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        String where = file.equals("-") ? "standard output" : file;
        OutputStream raw;
        try {
            raw = open();
        } catch (IOException e) {
            return Failures.cannotWrite(err, file, e, "");
        }
        OutputStream output = new BufferedOutputStream(raw, 1 << 16);
        NetDmDump dump;
        try {
            dump = NetDmDump.open(connection, options, Clock.systemUTC());
        } catch (SourceException e) {
            Failures.closeQuietly(output);
            return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
        }
        running = dump;
        Signals.Session session = Signals.stoppable(() -> record(dump, output, where, options), dump::requestStop);
        Runnable release = () -> {
            dump.close();
            String problem = connection.closeAndRestore();
            if (problem != null) {
                Failures.line(err, ExitCodes.SYSTEM, problem);
            }
            Failures.closeQuietly(output);
        };
        return Signals.runWith(session, err, release, handleSignals);
    }

    /** Runs the dump into {@code output}; prints the start line and the last line on standard error. */
    private int record(NetDmDump dump, OutputStream output, String where, NetDmDump.Options o) {
        PrintWriter err = spec.commandLine().getErr();
        PcapWriter pcap;
        try {
            pcap = new PcapWriter(output, NetlinkConstants.NETLINK_GENERIC);
        } catch (IOException e) {
            return Failures.cannotWrite(err, where, e, "");
        }
        NetDmDump.Result r;
        try {
            r = dump.run(pcap, () -> {
                err.println(Printable.text(startLine(where, o)));
                err.flush();
            });
        } catch (SourceException e) {
            boolean busy = e.getCause() instanceof NetlinkKernelException k && k.errno() == Errno.EBUSY;
            return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage()
                    + (busy ? "; or write a pcap next to that monitor with -p/--passive" : ""));
        } catch (IOException e) {
            return Failures.line(err, ExitCodes.SYSTEM, "reading NET_DM's alerts failed: " + e.getMessage());
        }
        // A reader that went away ends the dump as Ctrl-C does: the summary below, exit code 0.
        if (r.writeFailure() != null && !Failures.isBrokenPipe(r.writeFailure())) {
            return Failures.cannotWrite(err, where, r.writeFailure(), " (after " + (r.familyRecords()
                    + r.netDmRecords()) + " records; monitoring stopped)");
        }
        err.println("dropscope: " + Printable.text(where) + ": " + (r.familyRecords() + r.netDmRecords()) + " records, "
                + r.familyRecords() + " of the family list and " + r.netDmRecords() + " NET_DM messages; lost: "
                + r.socketDrops() + " on the socket (/proc/net/netlink Drops; ENOBUFS " + r.overruns() + " times)"
                + (r.tailDrops() < 0 ? "" : ", " + r.tailDrops() + " tail-dropped by the kernel (queue full)"));
        err.flush();
        return ExitCodes.OK;
    }

    /** What the dump tells once the kernel is sending: where to, what, and how to stop it. */
    private static String startLine(String where, NetDmDump.Options o) {
        if (o.passive()) {
            return "dropscope: writing NET_DM's messages to " + where + ", only listening (NET_DM's configuration"
                    + " left as it is); Ctrl-C stops";
        }
        String drops = o.software() && o.hardware() ? "software and hardware" : o.software() ? "software" : "hardware";
        return "dropscope: writing NET_DM's packet alerts to " + where + " (truncation "
                + (o.truncLength() == 0 ? "none" : o.truncLength() + " bytes") + ", queue " + o.queueLength() + ", "
                + drops + " drops); Ctrl-C stops";
    }

    /** The output: standard output, or FILE, opened by {@link OutputFiles}. */
    private OutputStream open() throws IOException {
        if (file.equals("-")) {
            return stdout != null ? stdout : new FileOutputStream(FileDescriptor.out);
        }
        return OutputFiles.open(Path.of(file));
    }
}
