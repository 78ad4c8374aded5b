// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.netdm;

import java.io.IOException;
import java.time.Clock;
import org.dropscope.capture.NetDmCaptureWriter;
import org.dropscope.netlink.NetlinkDecoderException;
import org.dropscope.netlink.NetlinkListener;
import org.dropscope.netlink.NlMsg;
import org.dropscope.pcap.PcapWriter;
import org.dropscope.source.NetDmSettings;
import org.dropscope.source.SourceException;

/**
 * What dropwatch's {@code dwdump} does: NET_DM's messages, as the kernel sent them, into a
 * LINKTYPE_NETLINK pcap that Wireshark's {@code net_dm} dissector decodes. The file starts with
 * nlctrl's dump of every generic netlink family (so that Wireshark can tell which family id is
 * NET_DM in this boot), then holds every message that arrives on NET_DM's {@code events} group,
 * byte for byte, stamped with the time it was received ({@link NetDmCaptureWriter}).
 *
 * <p>Unless passive, the dump configures NET_DM for packet alerts with the truncation and queue
 * length asked for, and starts monitoring; {@link #requestStop()} (a signal) makes
 * {@link #run} send STOP and write what the kernel sent before it. Putting NET_DM's configuration
 * back is the {@link NetDmConnection}'s job, when it is closed.
 *
 * <p>Threads: {@link #run} reads and writes on the calling thread; {@link #requestStop()} may be
 * called from any thread.
 */
public final class NetDmDump implements AutoCloseable {
    /** dwdump's receive buffer for the alert socket: 1 MiB. */
    public static final int DEFAULT_RECEIVE_BUFFER = 1 << 20;
    /** The kernel's default per-CPU queue length, which dwdump sets too. */
    public static final long DEFAULT_QUEUE_LENGTH = 1000;

    /**
     * How to dump.
     *
     * @param passive only listen: no configuration, no START or STOP (next to another monitor)
     * @param truncLength payload bytes kept per packet, 0 for all
     * @param queueLength the kernel's per-CPU queue of packets waiting to be sent
     * @param software ask START and STOP for software drops
     * @param hardware ask START and STOP for hardware drops
     * @param receiveBuffer the alert socket's receive buffer, in bytes
     */
    public record Options(boolean passive, long truncLength, long queueLength, boolean software, boolean hardware,
            int receiveBuffer) {
    }

    /**
     * What a dump wrote and lost.
     *
     * @param familyRecords records of the family dump, NLMSG_DONE included
     * @param netDmRecords NET_DM messages written
     * @param socketDrops messages the kernel could not queue on the alert socket
     * @param overruns times receiving failed with ENOBUFS
     * @param tailDrops packets the kernel could not queue for sending during the dump (NET_DM's
     *     "Tail dropped", software and hardware), or -1 when the kernel did not say
     * @param writeFailure why writing stopped, or null: the dump ended at the first failed write
     */
    public record Result(long familyRecords, long netDmRecords, long socketDrops, long overruns, long tailDrops,
            IOException writeFailure) {
    }

    private final NetDmConnection connection;
    private final Options options;
    private final Clock clock;
    private final int familyId;
    private final AlertChannel alerts;
    private NetDmCaptureWriter capture;
    private volatile boolean stopRequested;
    private long families;
    private long written;

    private NetDmDump(NetDmConnection connection, Options options, Clock clock) throws SourceException {
        this.connection = connection;
        this.options = options;
        this.clock = clock;
        this.familyId = connection.family().id();
        this.alerts = AlertChannel.open(connection.sockets(), connection.family(), options.receiveBuffer(),
                new Recorder());
    }

    /**
     * Opens the alert socket and joins NET_DM's events group; nothing is configured or started
     * yet, and nothing written.
     */
    public static NetDmDump open(NetDmConnection connection, Options options, Clock clock) throws SourceException {
        return new NetDmDump(connection, options, clock);
    }

    /**
     * Writes the family dump, configures NET_DM and starts monitoring (unless passive), calls
     * {@code started}, then writes every NET_DM message until {@link #requestStop()} or a failed
     * write; then sends STOP (unless passive) and writes what the kernel sent before it.
     *
     * @param started runs once the kernel is sending: the moment to tell the user
     * @throws SourceException when NET_DM refuses the configuration or START, or the family dump
     */
    public Result run(PcapWriter out, Runnable started) throws SourceException, IOException {
        capture = new NetDmCaptureWriter(out, clock);
        families = connection.dumpFamilies(capture::write);
        if (capture.failure() != null) {
            return result(-1);
        }
        long tailBefore = tailDropped();
        if (!options.passive()) {
            connection.setMonitored(options.software(), options.hardware());
            connection.configure(new NetDmSettings.Config(true, options.truncLength(), options.queueLength()));
            connection.startMonitoring();
        }
        started.run();
        alerts.readUntil(() -> stopRequested || capture.failure() != null,
                options.passive() ? AlertChannel.AfterStop.NOTHING : connection::stopMonitoring);
        long tailAfter = tailBefore < 0 ? -1 : tailDropped();
        return result(tailAfter < 0 ? -1 : tailAfter - tailBefore);
    }

    /** Ends {@link #run}: it stops monitoring and returns once the kernel's last messages are written. */
    public void requestStop() {
        stopRequested = true;
    }

    private Result result(long tailDrops) {
        return new Result(families, written, alerts.socketDrops(), alerts.overruns(), tailDrops, capture.failure());
    }

    /** NET_DM's tail drops so far, software and hardware; -1 if the kernel cannot say (before 5.4). */
    private long tailDropped() {
        try {
            NetDmSettings.Stats s = connection.stats();
            return s.softwareTailDropped() + s.hardwareTailDropped();
        } catch (SourceException e) {
            return -1;
        }
    }

    /** Closes the alert socket. Idempotent. */
    @Override
    public void close() {
        alerts.close();
        if (capture != null) {
            capture.close();
        }
    }

    /** Runs on the thread in {@link #run}, for every message of the events group. */
    private final class Recorder implements NetlinkListener {
        @Override
        public void onMulticast(NlMsg msg) {
            // The socket joined NET_DM's group only; anything else is not NET_DM's to keep.
            if (msg.type() == familyId && capture.write(msg)) {
                written++;
            }
        }

        @Override
        public void onMalformed(NetlinkDecoderException e) {
            // A datagram that does not frame is not written: Wireshark could not read it either.
        }
    }
}
