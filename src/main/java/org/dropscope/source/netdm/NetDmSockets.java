// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.netdm;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dropscope.nativeio.NetlinkConstants;
import org.dropscope.netlink.NetlinkSocketTransport;
import org.dropscope.netlink.NetlinkTransport;

/**
 * The two kinds of generic netlink socket a NET_DM client opens: one for requests, which joins no
 * group, and one per session for alerts. {@link #KERNEL} opens real sockets; tests pass fakes that
 * replay captured messages.
 */
public interface NetDmSockets {

    /** A socket that receives NET_DM's alerts, and says how many the kernel could not queue on it. */
    interface AlertTransport extends NetlinkTransport {
        /**
         * The messages the kernel dropped because this socket's receive buffer was full, so far:
         * {@code Drops} in /proc/net/netlink, exact where ENOBUFS only says "some".
         */
        long socketDrops();

        /** Closes the socket; never throws. */
        @Override
        void close();
    }

    /** Opens a socket for requests. */
    NetlinkTransport openControl() throws IOException;

    /** Opens a socket for alerts with a receive buffer of {@code receiveBuffer} bytes. */
    AlertTransport openAlerts(int receiveBuffer) throws IOException;

    /** Real NETLINK_GENERIC sockets (netlink(7)). */
    NetDmSockets KERNEL = new NetDmSockets() {
        @Override
        public NetlinkTransport openControl() throws IOException {
            return NetlinkSocketTransport.openGeneric();
        }

        @Override
        public AlertTransport openAlerts(int receiveBuffer) throws IOException {
            NetlinkSocketTransport socket = NetlinkSocketTransport.openGeneric();
            int portId;
            try {
                // SO_RCVBUFFORCE as root, else SO_RCVBUF capped by net.core.rmem_max.
                socket.setReceiveBufferSize(receiveBuffer);
                portId = socket.portId();
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
            return new KernelAlerts(socket, portId);
        }
    };

    /** A real alert socket; its drops are read from /proc/net/netlink by port id. */
    final class KernelAlerts implements AlertTransport {
        private static final Path PROC_NET_NETLINK = Path.of("/proc/net/netlink");

        private final NetlinkSocketTransport socket;
        private final int portId;

        private KernelAlerts(NetlinkSocketTransport socket, int portId) {
            this.socket = socket;
            this.portId = portId;
        }

        @Override
        public void send(ByteBuf msg) throws IOException {
            socket.send(msg);
        }

        @Override
        public int receive(ByteBuf dst, int timeoutMillis) throws IOException {
            return socket.receive(dst, timeoutMillis);
        }

        @Override
        public void joinGroup(int group) throws IOException {
            socket.joinGroup(group);
        }

        @Override
        public long socketDrops() {
            try (Reader r = Files.newBufferedReader(PROC_NET_NETLINK, StandardCharsets.US_ASCII)) {
                return ProcNetNetlink.drops(r, NetlinkConstants.NETLINK_GENERIC, portId);
            } catch (IOException e) {
                return 0;
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
