// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.netdm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.capture.NetDmEvents;
import org.dropscope.event.AlertListener;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropEventSink;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.names.DropNames;
import org.dropscope.names.NameBook;
import org.dropscope.netlink.NetlinkDecoderException;
import org.dropscope.netlink.NetlinkListener;
import org.dropscope.netlink.NlMsg;
import org.dropscope.netlink.dropmon.NetDmMessage;
import org.dropscope.netlink.dropmon.NetDmMessageDecoder;
import org.dropscope.netlink.dropmon.NetDmPacketAlert;
import org.dropscope.netlink.dropmon.NetDmSummaryAlert;
import org.dropscope.record.SourceKind;
import org.dropscope.source.DropRouter;
import org.dropscope.source.DropSource;
import org.dropscope.source.EventClock;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFacts;
import org.dropscope.source.SourceFilter;

/**
 * One NET_DM monitoring session: an {@link AlertChannel} (a socket of its own joined to the
 * family's {@code events} multicast group), a reader thread ({@code dropscope-netdm}) that decodes every alert into the
 * aggregator and hands it, as it arrives, to the {@link #alertTo alert listener} if there is one, and START/STOP sent through the
 * {@link NetDmConnection}.
 *
 * <p>Losses: when alerts come faster than the reader, the socket overruns (ENOBUFS) and the
 * kernel drops whole messages. The socket has a large receive buffer; the drops the kernel
 * counted for it ({@code Drops} in /proc/net/netlink) are reported as lost at the end of the
 * session. Packet alerts the kernel could not even queue are its "tail drops", in {@code stats}.
 */
final class NetDmSource implements DropSource {
    /** NET_DM_ATTR_TIMESTAMP's clock, which summary alerts are stamped on as they are received. */
    private static final EventClock CLOCK = EventClock.CLOCK_REALTIME;

    private final NetDmConnection connection;
    private final int receiveBuffer;
    // NET_DM names reasons and traps in text: interned here into the codes the aggregator counts.
    private final NameBook names = new NameBook();
    private AlertChannel alertChannel;
    private Thread reader;
    private DropSink writer;
    private AlertListener alerts;
    // Each alert's drops, reused; times are CLOCK_REALTIME, as NET_DM's.
    private final DropEvent event = new DropEvent();
    // --filter, all of it (NET_DM has no kernel filter), then the aggregator and the recorder.
    private final DropRouter route = new DropRouter();
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
    public DropNames names() {
        return names;
    }

    @Override
    public int cpus() {
        // NET_DM does not say which CPU dropped: everything is counted under CPU 0.
        return 1;
    }

    /** Asks the kernel for NET_DM's configuration (CONFIG_GET): the properties name it. */
    @Override
    public SourceFacts facts() throws SourceException {
        return new SourceFacts(SourceKind.NETDM, description(), cpus(), CLOCK, null, connection.recordProperties());
    }

    @Override
    public synchronized boolean alertTo(AlertListener listener) {
        if (reader != null) {
            throw new IllegalStateException("give a NET_DM source its alert listener before start");
        }
        alerts = listener;
        return true;
    }

    @Override
    public synchronized boolean recordTo(DropEventSink events) {
        if (reader != null) {
            return false;
        }
        route.record(events);
        return true;
    }

    /** NET_DM has no filters of its own: every alert is tested here, on the reader thread. */
    @Override
    public synchronized String filter(SourceFilter f) {
        if (reader != null) {
            throw new IllegalStateException("filter a NET_DM source before start");
        }
        route.filter(f.compile(f.expr(), names));
        return null;
    }

    @Override
    public synchronized void start(DropAggregator aggregator) throws SourceException {
        if (closed || reader != null) {
            throw new IllegalStateException("a NET_DM session runs once; open a new one");
        }
        try {
            // Joined before START, so that no alert of the session is missed.
            alertChannel = AlertChannel.open(connection.sockets(), connection.family(), receiveBuffer,
                    new Alerts());
        } catch (SourceException e) {
            close();
            throw e;
        }
        writer = aggregator.newWriter();
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
        AlertChannel c = alertChannel;
        m.put("alert socket overruns (ENOBUFS)", c == null ? 0 : c.overruns());
        m.put("alerts dropped at the socket (/proc/net/netlink Drops)", socketDrops);
        m.put("malformed messages", malformed);
        m.put("unexpected messages", unexpected);
        m.put("drops filtered out in user space", route.filtered());
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
        if (alertChannel != null) {
            alertChannel.close();
        }
    }

    private void readLoop() {
        try {
            // STOP is sent by stop(), before it sets the flag: what follows is the kernel's last.
            // The condition is looked at after every read, at least every 100 ms: there a
            // recorder ends a pass, so that a quiet session's recorder keeps its flush interval.
            alertChannel.readUntil(() -> {
                route.endPass();
                return stopping;
            }, AlertChannel.AfterStop.NOTHING);
            socketDrops = alertChannel.socketDrops();
            if (socketDrops > 0) {
                writer.begin();
                writer.lost(0, socketDrops);
                writer.end();
                route.lost(CLOCK.nanos(), 0, socketDrops);
            }
        } catch (Throwable t) {
            readerFailure = t;
        }
    }

    /** Runs on the reader thread, inside {@link AlertChannel#readUntil}. */
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
                long now = CLOCK.nanos();
                for (AlertListener.SummaryEntry e : entries) {
                    long location = e.origin() == DropOrigin.HARDWARE ? names.trapId(e.trapName()) : e.pc();
                    route.drop(writer,
                            event.set(now, 0, e.origin(), location, DropSink.NO_REASON, DropSink.NO_STACK, e.count()));
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
                long location = p.isHardware() ? names.trapId(String.valueOf(p.hwTrapName())) : p.pc();
                int reason = p.isHardware() || p.reason() == null ? DropSink.NO_REASON : names.reasonCode(p.reason());
                long time = p.timestampNanos() != 0 ? p.timestampNanos() : CLOCK.nanos();
                route.drop(writer, event.set(time, 0, origin, location, reason, DropSink.NO_STACK, 1)
                        .packet(p.payload() != null ? p.protocol() : 0, p.ifindex(), (int) p.originalLength()));
            } finally {
                writer.end();
            }
            if (alerts != null) {
                alerts.packet(NetDmEvents.packet(p));
            }
        }
    }
}
