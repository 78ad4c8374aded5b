// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.netdm;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import org.dropscope.nativeio.NativeException;
import org.dropscope.netlink.GenlFamily;
import org.dropscope.netlink.NetlinkClient;
import org.dropscope.netlink.NetlinkListener;
import org.dropscope.netlink.dropmon.NetDmConstants;
import org.dropscope.source.SourceException;

/**
 * The socket NET_DM's alerts arrive on, shared by the shell's source ({@link NetDmSource}) and
 * {@code dump} ({@link NetDmDump}): a generic netlink socket of its own with a large receive
 * buffer, joined to the family's {@code events} group before START so that no alert of the
 * session is missed, read by one thread.
 *
 * <p>Losses: when alerts come faster than they are read, the socket overruns (ENOBUFS, counted
 * by the client) and the kernel drops whole messages, which it counts for the socket
 * ({@link #socketDrops()}).
 */
final class AlertChannel implements AutoCloseable {
    /** After the stop condition, reading goes on until the socket is quiet this long. */
    static final int QUIET_MILLIS = 200;
    /** How long one read waits before the stop condition is looked at again. */
    private static final int POLL_MILLIS = 100;

    /** What runs between the stop condition and the last reads: STOP, for a client that sends it. */
    @FunctionalInterface
    interface AfterStop {
        AfterStop NOTHING = () -> { };

        void run() throws SourceException;
    }

    private final NetDmSockets.AlertTransport transport;
    private final NetlinkClient client;
    private boolean closed;

    private AlertChannel(NetDmSockets.AlertTransport transport, NetlinkListener listener) {
        this.transport = transport;
        this.client = new NetlinkClient(transport, listener);
    }

    /**
     * Opens an alert socket and joins {@code family}'s events group; alerts go to
     * {@code listener}, on the thread that calls {@link #readUntil}.
     */
    static AlertChannel open(NetDmSockets sockets, GenlFamily family, int receiveBuffer, NetlinkListener listener)
            throws SourceException {
        int group = family.multicastGroup(NetDmConstants.NET_DM_MCGRP_EVENTS).orElseThrow(() ->
                new SourceException(SourceException.Kind.NO_KERNEL_FEATURE,
                        "the NET_DM family has no \"events\" multicast group: an unknown drop_monitor"));
        NetDmSockets.AlertTransport transport;
        try {
            transport = sockets.openAlerts(receiveBuffer);
        } catch (IOException e) {
            throw new SourceException(SourceException.Kind.SYSTEM, "cannot open NET_DM's alert socket: "
                    + e.getMessage(), e);
        }
        try {
            transport.joinGroup(group);
        } catch (NativeException e) {
            transport.close();
            throw NetDmErrors.join(e);
        } catch (IOException e) {
            transport.close();
            throw new SourceException(SourceException.Kind.SYSTEM, "cannot join NET_DM's events group: "
                    + e.getMessage(), e);
        }
        return new AlertChannel(transport, listener);
    }

    /**
     * Reads alerts until {@code stop} says so, runs {@code afterStop}, then reads on until the
     * socket has been quiet for {@value #QUIET_MILLIS} ms with no overrun: every alert the kernel
     * sent before STOP is delivered (or counted as lost) when this returns.
     */
    void readUntil(BooleanSupplier stop, AfterStop afterStop) throws IOException, SourceException {
        while (!stop.getAsBoolean()) {
            client.receive(POLL_MILLIS);
        }
        afterStop.run();
        long overruns;
        do {
            overruns = client.overruns();
        } while (client.receive(QUIET_MILLIS) > 0 || client.overruns() != overruns);
    }

    /** Times the socket overran (ENOBUFS): alerts were lost, how many only {@link #socketDrops()} says. */
    long overruns() {
        return client.overruns();
    }

    /** Alerts the kernel could not queue on this socket (/proc/net/netlink Drops). */
    long socketDrops() {
        return transport.socketDrops();
    }

    /** Closes the socket. Idempotent, never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            client.close();
        } catch (IOException e) {
            // The socket is ours and closing it is all that is left to do.
        }
    }
}
