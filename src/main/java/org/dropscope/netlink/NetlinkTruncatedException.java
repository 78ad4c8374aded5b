// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import java.io.IOException;

/**
 * A reply to a request was longer than the client's receive buffer, so its end was lost
 * (recvmsg(2) MSG_TRUNC). Distinct from a malformed message: the bytes were fine, the buffer was
 * too small. The exchange was still read to its ACK, so the socket stays in step.
 */
public final class NetlinkTruncatedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int datagramLength;
    private final int bufferSize;

    public NetlinkTruncatedException(int seq, int datagramLength, int bufferSize) {
        super("reply to seq " + Integer.toUnsignedString(seq) + " truncated: datagram of " + datagramLength
                + " bytes, receive buffer of " + bufferSize);
        this.datagramLength = datagramLength;
        this.bufferSize = bufferSize;
    }

    /** The datagram's full length. */
    public int datagramLength() {
        return datagramLength;
    }

    /** The receive buffer's size: the bytes that were kept. */
    public int bufferSize() {
        return bufferSize;
    }
}
