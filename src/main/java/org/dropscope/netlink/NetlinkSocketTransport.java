// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.dropscope.nativeio.NativeException;
import org.dropscope.nativeio.NetlinkConstants;
import org.dropscope.nativeio.NetlinkSocket;
import org.dropscope.nativeio.Poller;

/**
 * The production {@link NetlinkTransport}: a {@link NetlinkSocket} bound to a kernel-chosen port,
 * with NETLINK_EXT_ACK (errors carry the kernel's text and the offending attribute's offset) and
 * NETLINK_CAP_ACK (errors do not echo the whole request) enabled (netlink(7)). Receiving waits
 * with poll(2), so a receive can time out.
 *
 * <p>Receive buffers should be direct: a heap buffer costs a copy through the socket's bounce
 * buffer. {@link NetlinkClient} allocates a direct one.
 */
public final class NetlinkSocketTransport implements NetlinkTransport {

    private final NetlinkSocket socket;
    private final Poller poller;

    private NetlinkSocketTransport(NetlinkSocket socket) {
        this.socket = socket;
        this.poller = new Poller(socket.fd());
    }

    /** A NETLINK_GENERIC socket, bound, with extended and capped ACKs. */
    public static NetlinkSocketTransport openGeneric() throws NativeException {
        return open(NetlinkConstants.NETLINK_GENERIC);
    }

    /** A socket of netlink protocol {@code protocol}, bound, with extended and capped ACKs. */
    public static NetlinkSocketTransport open(int protocol) throws NativeException {
        NetlinkSocket socket = NetlinkSocket.open(protocol);
        try {
            socket.bind(0, 0);
            socket.setOption(NetlinkConstants.SOL_NETLINK, NetlinkConstants.NETLINK_EXT_ACK, 1);
            socket.setOption(NetlinkConstants.SOL_NETLINK, NetlinkConstants.NETLINK_CAP_ACK, 1);
            return new NetlinkSocketTransport(socket);
        } catch (NativeException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public void send(ByteBuf msg) throws IOException {
        socket.send(msg.nioBuffer(msg.readerIndex(), msg.readableBytes()));
    }

    @Override
    public int receive(ByteBuf dst, int timeoutMillis) throws IOException {
        if (timeoutMillis >= 0 && poller.poll(timeoutMillis) == 0) {
            return TIMED_OUT;
        }
        int room = dst.writableBytes();
        ByteBuffer target = dst.nioBuffer(dst.writerIndex(), room);
        int length = socket.receive(target);
        dst.writerIndex(dst.writerIndex() + Math.min(length, room));
        return length;
    }

    @Override
    public void joinGroup(int group) throws IOException {
        socket.joinGroup(group);
    }

    /** The port id the kernel gave the socket. */
    public int portId() throws NativeException {
        return socket.localPortId();
    }

    /** The joined multicast groups 1 to 32 as a bitmask, group g in bit g - 1. */
    public int memberships() throws NativeException {
        return socket.getOption(NetlinkConstants.SOL_NETLINK, NetlinkConstants.NETLINK_LIST_MEMBERSHIPS);
    }

    /**
     * Sets the socket's receive buffer (the kernel doubles the value): SO_RCVBUFFORCE, which may
     * exceed net.core.rmem_max but needs CAP_NET_ADMIN, falling back to SO_RCVBUF. A bigger
     * buffer absorbs bursts of NET_DM alerts before the socket overruns.
     *
     * @return the size the kernel reports afterwards
     */
    public int setReceiveBufferSize(int bytes) throws NativeException {
        try {
            socket.setOption(NetlinkConstants.SOL_SOCKET, NetlinkConstants.SO_RCVBUFFORCE, bytes);
        } catch (NativeException e) {
            socket.setOption(NetlinkConstants.SOL_SOCKET, NetlinkConstants.SO_RCVBUF, bytes);
        }
        return socket.getOption(NetlinkConstants.SOL_SOCKET, NetlinkConstants.SO_RCVBUF);
    }

    @Override
    public void close() {
        socket.close();
    }
}
