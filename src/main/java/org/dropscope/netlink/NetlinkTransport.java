// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import io.netty.buffer.ByteBuf;
import java.io.Closeable;
import java.io.IOException;

/**
 * The datagram socket under a {@link NetlinkClient}: sends requests to the kernel, receives
 * datagrams (netlink(7)). {@link NetlinkSocketTransport} adapts the real socket; tests replay
 * recorded or hand-built datagrams through a fake.
 *
 * <p>Implementations need not be thread-safe: a client uses its transport from one thread.
 */
public interface NetlinkTransport extends Closeable {

    /** What {@link #receive} returns when no datagram arrived in time. */
    int TIMED_OUT = -1;

    /**
     * Sends the readable bytes of {@code msg} to the kernel as one datagram. The buffer's indexes
     * and reference count are not changed.
     */
    void send(ByteBuf msg) throws IOException;

    /**
     * Receives one datagram into {@code dst} at its writer index, storing at most
     * {@code dst.writableBytes()} bytes and advancing the writer index by what was stored.
     *
     * @param timeoutMillis how long to wait for a datagram; negative waits forever
     * @return the datagram's full length, larger than what was stored if it did not fit (the rest
     *     is lost, as with recvmsg(2) and MSG_TRUNC); {@link #TIMED_OUT} if none came in time
     * @throws org.dropscope.nativeio.NativeException with errno ENOBUFS if the socket's receive
     *     queue overflowed since the last receive: the kernel dropped messages for this socket
     *     (netlink(7)); the socket stays usable and the next receive continues normally
     */
    int receive(ByteBuf dst, int timeoutMillis) throws IOException;

    /** Joins multicast group {@code group} (NETLINK_ADD_MEMBERSHIP), a resolved group id. */
    void joinGroup(int group) throws IOException;
}
