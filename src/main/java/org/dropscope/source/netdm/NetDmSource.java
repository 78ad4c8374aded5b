// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.netdm;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.AlertListener;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropEventSink;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.event.ReasonNames;
import org.dropscope.nativeio.NativeException;
import org.dropscope.nativeio.NetlinkConstants;
import org.dropscope.netlink.NetlinkClient;
import org.dropscope.netlink.NetlinkDecoderException;
import org.dropscope.netlink.NetlinkListener;
import org.dropscope.netlink.NetlinkSocketTransport;
import org.dropscope.netlink.NlMsg;
import org.dropscope.netlink.dropmon.NetDmConstants;
import org.dropscope.netlink.dropmon.NetDmMessage;
import org.dropscope.netlink.dropmon.NetDmMessageDecoder;
import org.dropscope.netlink.dropmon.NetDmPacketAlert;
import org.dropscope.netlink.dropmon.NetDmSummaryAlert;
import org.dropscope.source.DropSource;
import org.dropscope.source.NameTable;
import org.dropscope.source.SourceException;

/**
 * One NET_DM monitoring session: a socket of its own joined to the family's {@code events}
 * multicast group, a reader thread ({@code dropscope-netdm}) that decodes every alert into the
 * aggregator and hands it to the shell as it arrives, and START/STOP sent through the
 * {@link NetDmConnection}.
 *
 * <p>Losses: when alerts come faster than the reader, the socket overruns (ENOBUFS) and the
 * kernel drops whole messages. The socket has a large receive buffer; the drops the kernel
 * counted for it ({@code Drops} in /proc/net/netlink) are reported as lost at the end of the
 * session. Packet alerts the kernel could not even queue are its "tail drops", in {@code stats}.
 */
final class NetDmSource implements DropSource {
    /** After STOP, the reader keeps reading until the socket is quiet this long. */
    private static final int QUIET_MILLIS = 200;
    private static final Path PROC_NET_NETLINK = Path.of("/proc/net/netlink");

    private final NetDmConnection connection;
    private final int receiveBuffer;
    private final NameTable reasons = new NameTable();
    private final NameTable traps = new NameTable();
    private NetlinkSocketTransport data;
    private NetlinkClient client;
    private int portId;
    private Thread reader;
    private DropSink writer;
    private AlertListener alerts;
    // Recording: null unless recordTo() was called; times are CLOCK_REALTIME, as NET_DM's.
    private DropEventSink recorder;
    private final DropEvent event = new DropEvent();
    private volatile boolean stopping;
    private volatile Throwable readerFailure;
    private volatile long malformed;
    private volatile long unexpected;
    private volatile long socketDrops;
    private boolean closed;

    /** {@code receiveBuffer}: SO_RCVBUFFORCE as root, else capped by net.core.rmem_max. */
    NetDmSource(NetDmConnection connection, int receiveBuffer) {
        this.connection = connection;
        this.receiveBuffer = receiveBuffer;
    }

    @Override
    public String description() {
        return connection.describe();
    }

    @Override
    public ReasonNames reasons() {
        return reasons;
    }

    @Override
    public int cpus() {
        // NET_DM does not say which CPU dropped: everything is counted under CPU 0.
        return 1;
    }

    @Override
    public boolean sendsAlerts() {
        return true;
    }

    @Override
    public synchronized boolean recordTo(DropEventSink events) {
        if (reader != null) {
            return false;
        }
        recorder = events;
        return true;
    }

    @Override
    public ReasonNames trapNames() {
        return traps;
    }

    @Override
    public void start(DropAggregator aggregator) throws SourceException {
        start(aggregator, null);
    }

    @Override
    public synchronized void start(DropAggregator aggregator, AlertListener listener) throws SourceException {
        if (closed || reader != null) {
            throw new IllegalStateException("a NET_DM session runs once; open a new one");
        }
        int group = connection.family().multicastGroup(NetDmConstants.NET_DM_MCGRP_EVENTS).orElseThrow(() ->
                new SourceException(SourceException.Kind.NO_KERNEL_FEATURE,
                        "the NET_DM family has no \"events\" multicast group: an unknown drop_monitor"));
        try {
            data = NetlinkSocketTransport.openGeneric();
            data.setReceiveBufferSize(receiveBuffer);
            portId = data.portId();
        } catch (NativeException e) {
            close();
            throw new SourceException(SourceException.Kind.SYSTEM, "cannot open NET_DM's alert socket: "
                    + e.getMessage(), e);
        }
        try {
            // Joined before START, so that no alert of the session is missed.
            data.joinGroup(group);
        } catch (NativeException e) {
            close();
            throw NetDmErrors.join(e);
        } catch (IOException e) {
            close();
            throw new SourceException(SourceException.Kind.SYSTEM, "cannot join NET_DM's events group: "
                    + e.getMessage(), e);
        }
        writer = aggregator.newWriter();
        alerts = listener;
        client = new NetlinkClient(data, new Alerts());
        reader = new Thread(this::readLoop, "dropscope-netdm");
        reader.setDaemon(true);
        reader.start();
        try {
            connection.startMonitoring();
        } catch (SourceException e) {
            close();
            throw e;
        }
    }

    @Override
    public synchronized void stop() throws SourceException {
        if (reader == null || stopping) {
            return;
        }
        SourceException failure = null;
        try {
            connection.stopMonitoring();
        } catch (SourceException e) {
            failure = e;
        }
        stopping = true;
        try {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
        if (readerFailure != null) {
            throw new SourceException(SourceException.Kind.SYSTEM, "the NET_DM reader failed: " + readerFailure,
                    readerFailure);
        }
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        NetlinkClient c = client;
        m.put("alert socket overruns (ENOBUFS)", c == null ? 0 : c.overruns());
        m.put("alerts dropped at the socket (/proc/net/netlink Drops)", socketDrops);
        m.put("malformed messages", malformed);
        m.put("unexpected messages", unexpected);
        return m;
    }

    /** Stops the session if it runs and closes its socket. Idempotent, never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (reader != null && reader.isAlive()) {
            try {
                stop();
            } catch (SourceException e) {
                // Closing anyway; the connection stops monitoring again when it closes.
            }
        }
        if (client != null) {
            try {
                client.close();
            } catch (IOException e) {
                // The socket is ours and closing it is all that is left to do.
            }
        } else if (data != null) {
            data.close();
        }
    }

    private void readLoop() {
        try {
            while (!stopping) {
                client.receive(100);
                if (recorder != null) {
                    // At least every 100 ms, so that a quiet session's recorder keeps its flush interval.
                    recorder.endPass();
                }
            }
            // STOP is acknowledged: read what the kernel sent before it, until the socket is quiet.
            long overruns;
            do {
                overruns = client.overruns();
            } while (client.receive(QUIET_MILLIS) > 0 || client.overruns() != overruns);
            socketDrops = socketDrops(portId);
            if (socketDrops > 0) {
                writer.begin();
                writer.lost(0, socketDrops);
                writer.end();
                if (recorder != null) {
                    recorder.lost(realtimeNanos(), 0, socketDrops);
                }
            }
        } catch (Throwable t) {
            readerFailure = t;
        }
    }

    /** CLOCK_REALTIME in nanoseconds, as NET_DM_ATTR_TIMESTAMP; millisecond resolution, no allocation. */
    private static long realtimeNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    /** The kernel's count of messages it could not queue on our socket, from /proc/net/netlink. */
    private static long socketDrops(int portId) {
        try (Reader r = Files.newBufferedReader(PROC_NET_NETLINK, StandardCharsets.US_ASCII)) {
            return ProcNetNetlink.drops(r, NetlinkConstants.NETLINK_GENERIC, portId);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Runs on the reader thread, inside {@link NetlinkClient#receive}. */
    private final class Alerts implements NetlinkListener {
        @Override
        public void onMulticast(NlMsg msg) {
            NetDmMessage m = NetDmMessageDecoder.decode(msg);
            if (m instanceof NetDmSummaryAlert) {
                summary((NetDmSummaryAlert) m);
            } else if (m instanceof NetDmPacketAlert) {
                packet((NetDmPacketAlert) m);
            } else {
                unexpected++;
            }
        }

        @Override
        public void onMalformed(NetlinkDecoderException e) {
            malformed++;
        }

        private void summary(NetDmSummaryAlert a) {
            List<AlertListener.SummaryEntry> entries = NetDmEvents.entries(a);
            writer.begin();
            try {
                long now = realtimeNanos();
                for (AlertListener.SummaryEntry e : entries) {
                    long location = e.origin() == DropOrigin.HARDWARE ? traps.codeOf(e.trapName()) : e.pc();
                    writer.drop(0, e.origin(), location, DropSink.NO_REASON, DropSink.NO_STACK, e.count());
                    if (recorder != null) {
                        recorder.drop(event.set(now, 0, e.origin(), location, DropSink.NO_REASON, DropSink.NO_STACK,
                                e.count()));
                    }
                }
            } finally {
                writer.end();
            }
            if (alerts != null) {
                alerts.summary(entries);
            }
        }

        private void packet(NetDmPacketAlert p) {
            writer.begin();
            try {
                DropOrigin origin = p.isHardware() ? DropOrigin.HARDWARE : DropOrigin.SOFTWARE;
                long location = p.isHardware() ? traps.codeOf(String.valueOf(p.hwTrapName())) : p.pc();
                int reason = p.isHardware() || p.reason() == null ? DropSink.NO_REASON : reasons.codeOf(p.reason());
                writer.drop(0, origin, location, reason, DropSink.NO_STACK, 1);
                if (recorder != null) {
                    long time = p.timestampNanos() != 0 ? p.timestampNanos() : realtimeNanos();
                    recorder.drop(event.set(time, 0, origin, location, reason, DropSink.NO_STACK, 1)
                            .packet(p.payload() != null ? p.protocol() : 0, p.ifindex(), (int) p.originalLength()));
                }
            } finally {
                writer.end();
            }
            if (alerts != null) {
                alerts.packet(NetDmEvents.packet(p));
            }
        }
    }
}
