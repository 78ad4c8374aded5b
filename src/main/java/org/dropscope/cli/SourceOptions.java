// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.nio.file.Path;
import org.dropscope.perf.PerfMmapPage;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFactory;
import org.dropscope.source.netdm.NetDmConnection;
import org.dropscope.source.netdm.NetDmSockets;
import org.dropscope.source.tracepoint.TracepointOptions;
import org.dropscope.source.tracepoint.TracepointSource;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options that choose and tune the kernel source, shared by every command that monitors. */
public final class SourceOptions {
    /** The kernel interfaces dropscope can read drops from. */
    public enum Kind { auto, tracepoint, netdm }

    @Option(names = "--source", defaultValue = "auto", paramLabel = "auto|tracepoint|netdm",
            description = "Kernel source of drops: the skb:kfree_skb tracepoint, or NET_DM"
                    + " (drop_monitor). auto picks NET_DM when the kernel has it, else the tracepoint."
                    + " Default: ${DEFAULT-VALUE}.")
    Kind source;

    @Option(names = "--ring-pages", defaultValue = "" + TracepointOptions.DEFAULT_RING_PAGES, paramLabel = "N",
            description = "Tracepoint source: data pages per CPU ring buffer, a power of two"
                    + " (at most 262144 with 4 KiB pages). Default: ${DEFAULT-VALUE}.")
    int ringPages;

    /**
     * A command's own ring size, when {@code --ring-pages} was not given on {@code commandLine}.
     */
    void defaultRingPages(CommandLine commandLine, int pages) {
        CommandLine.ParseResult parsed = commandLine.getParseResult();
        if (parsed == null || !parsed.hasMatchedOption("--ring-pages")) {
            ringPages = pages;
        }
    }

    @Option(names = "--hot-threshold", defaultValue = "" + TracepointOptions.DEFAULT_HOT_THRESHOLD, paramLabel = "N",
            description = "Tracepoint source: count a drop location and reason in the kernel, without a"
                    + " sample per drop, once it drops N times a second (at most " + TracepointOptions.HOT_KEYS
                    + " such keys); 0 samples every drop. Recording, its drops are then events of the count each read"
                    + " of the counters found, at the read's time. Default: ${DEFAULT-VALUE}.")
    long hotThreshold = TracepointOptions.DEFAULT_HOT_THRESHOLD;

    @Option(names = "--stack-period", defaultValue = "" + TracepointOptions.DEFAULT_STACK_PERIOD, paramLabel = "N",
            description = "Tracepoint source with stacks: a drop location and reason counted in the kernel"
                    + " (--hot-threshold) has its kernel stack taken once every N of its drops, and its count split"
                    + " between the stacks so sampled; drops not counted in the kernel each keep their own. 1 takes"
                    + " every drop's stack. Default: ${DEFAULT-VALUE}.")
    long stackPeriod = TracepointOptions.DEFAULT_STACK_PERIOD;

    @Option(names = "--netdm-bufsize", defaultValue = "" + NetDmConnection.DEFAULT_ALERT_BUFFER, paramLabel = "BYTES",
            description = "NET_DM source: receive buffer of the alert socket (dwdump's -b). Alerts that"
                    + " overflow it are lost, counted and shown. Default: ${DEFAULT-VALUE}.")
    int netDmBufferBytes = NetDmConnection.DEFAULT_ALERT_BUFFER;

    /** NET_DM's alert modes (dropwatch's {@code set alertmode}). */
    public enum AlertMode { summary, packet }

    @Option(names = "--alert-mode", paramLabel = "summary|packet",
            description = "NET_DM source: have the kernel send summary alerts (a count per drop point and second)"
                    + " or packet alerts (each dropped packet with its reason, input port and bytes) while this"
                    + " runs; put back at exit. Default: as NET_DM is set.")
    AlertMode alertMode;

    @Option(names = "--tracefs", paramLabel = "DIR",
            description = "Tracepoint source: use this tracefs directory instead of finding or mounting one.")
    Path tracefs;

    /** Where NET_DM's sockets come from; tests replay captured messages instead. */
    NetDmSockets netDmSockets = NetDmSockets.KERNEL;

    /**
     * Resolves {@code --source} against the kernel: NET_DM needs its generic netlink family, which
     * {@code auto} tries first, falling back to the tracepoint only when the family is absent.
     *
     * @throws SourceException when the chosen source cannot be used
     */
    SourceChoice choose(boolean stacks) throws SourceException {
        return choose(stacks, false);
    }

    /**
     * {@link #choose(boolean)}, for recording when {@code timestamps}: the tracepoint's samples then
     * carry their time (NET_DM's always do).
     */
    SourceChoice choose(boolean stacks, boolean timestamps) throws SourceException {
        TracepointOptions tracepoint = new TracepointOptions(ringPages, stacks, TracepointOptions.DEFAULT_POLL_MILLIS,
                tracefs, timestamps, hotThreshold, stackPeriod);
        SourceFactory tracepointFactory = () -> TracepointSource.open(tracepoint);
        if (source == Kind.tracepoint) {
            return new SourceChoice("tracepoint", tracepointFactory, null, null, SourceChoice.Closer.NONE);
        }
        NetDmConnection netDm;
        try {
            netDm = NetDmConnection.connect(netDmSockets, netDmBufferBytes);
        } catch (SourceException e) {
            if (source == Kind.auto && e.kind() == SourceException.Kind.NO_KERNEL_FEATURE) {
                return new SourceChoice("tracepoint", tracepointFactory, null,
                        "Using the skb:kfree_skb tracepoint: " + e.getMessage(), SourceChoice.Closer.NONE);
            }
            throw e;
        }
        if (alertMode != null) {
            try {
                netDm.setPacketMode(alertMode == AlertMode.packet);
            } catch (SourceException e) {
                netDm.closeAndRestore();
                throw e;
            }
        }
        return new SourceChoice("NET_DM", netDm, netDm, source == Kind.auto ? "Using NET_DM (drop_monitor)" : null,
                netDm::closeAndRestore);
    }

    void validate() {
        if (alertMode != null && source == Kind.tracepoint) {
            throw new UsageException("--alert-mode sets NET_DM's alerts; the tracepoint source has none");
        }
        if (hotThreshold < 0) {
            throw new UsageException("--hot-threshold must be 0 or more drops a second, got " + hotThreshold);
        }
        if (stackPeriod < 1) {
            throw new UsageException("--stack-period must be 1 or more drops, got " + stackPeriod);
        }
        if (netDmBufferBytes < 4096) {
            throw new UsageException("--netdm-bufsize must be at least 4096 bytes, got " + netDmBufferBytes);
        }
        int max = maxRingPages(PerfMmapPage.pageSize());
        if (ringPages < 1 || Integer.bitCount(ringPages) != 1 || ringPages > max) {
            throw new UsageException("--ring-pages must be a power of two from 1 to " + max + ", got "
                    + ringPages);
        }
    }

    /**
     * The most data pages a ring may have: its mapping, one metadata page plus the data pages, is
     * read as one buffer, and a buffer holds at most 2^31-1 bytes.
     */
    static int maxRingPages(int pageSize) {
        return Integer.highestOneBit(Integer.MAX_VALUE / pageSize - 1);
    }
}
