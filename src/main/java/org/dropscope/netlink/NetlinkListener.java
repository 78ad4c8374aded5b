// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

/**
 * Receives what a {@link NetlinkClient} reads that is not the answer to the request in flight:
 * multicast notifications, and the socket conditions that lose messages. Every method has an
 * empty default. Called on the thread that calls the client.
 *
 * <p>A {@link NetlinkDecoderException} thrown from {@link #onMulticast} is caught by the client,
 * counted as malformed and handed back through {@link #onMalformed}; reading goes on.
 */
public interface NetlinkListener {

    /** A listener that ignores everything; the client still counts. */
    NetlinkListener NONE = new NetlinkListener() {
    };

    /**
     * A multicast message (nlmsg_seq 0), such as a NET_DM alert. {@code msg} and its payload are
     * valid only during the call: the receive buffer is reused for the next datagram.
     */
    default void onMulticast(NlMsg msg) {
    }

    /**
     * The socket's receive queue overflowed (ENOBUFS, netlink(7)): the kernel dropped one or more
     * messages for this socket, how many is not known. For NET_DM these are lost alerts.
     */
    default void onOverrun() {
    }

    /**
     * A datagram was longer than the receive buffer and its end was lost (MSG_TRUNC); the
     * complete messages at its start were delivered.
     *
     * @param datagramLength the datagram's full length
     * @param received the bytes that fitted
     */
    default void onTruncated(int datagramLength, int received) {
    }

    /** A message, or the framing of a datagram, did not follow its layout. */
    default void onMalformed(NetlinkDecoderException e) {
    }
}
