// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

/**
 * A netlink message, header or attribute that does not follow its layout: a length field shorter
 * than its own header, a length past the end of the enclosing range, an attribute too short for
 * its type, a missing mandatory part, attributes nested deeper than allowed.
 *
 * <p>The one exception type of every decoder in this package and in {@code netlink.dropmon}, in
 * the spirit of Netty's {@code CorruptedFrameException}: unchecked, because decoders run inside
 * callbacks, and because a malformed message is a data problem to be counted and reported, never
 * a reason to stop reading (see {@link NetlinkClient}, which counts them). Messages name what was
 * expected, in Netty's style: {@code "incomplete nlattr: 3 bytes (expected: 4+ bytes)"},
 * {@code "nla_len 900 exceeds remaining 120"}.
 *
 * <p>An <em>incomplete</em> input at the end of a stream is not an error: the stateless decoders
 * return null for it. It becomes one only inside a range that is known to be complete (the
 * attributes of a received message, a datagram), which is where these are thrown.
 */
public class NetlinkDecoderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NetlinkDecoderException(String message) {
        super(message);
    }

    /**
     * Adds context to a lower-level failure: the message is {@code context + ": " +
     * cause.getMessage()}, for example {@code "NET_DM_CMD_PACKET_ALERT: nla_len 900 exceeds
     * remaining 120"}.
     */
    public NetlinkDecoderException(String context, NetlinkDecoderException cause) {
        super(context + ": " + cause.getMessage(), cause);
    }

    /**
     * A generic "incomplete" message: {@code "incomplete <what>: <n> bytes (expected: <min>+
     * bytes)"}.
     */
    static NetlinkDecoderException incomplete(String what, int have, int expected) {
        return new NetlinkDecoderException("incomplete " + what + ": " + have + " bytes (expected: "
                + expected + "+ bytes)");
    }

    /** The message without the context prefixes that enclosing decoders added. */
    public String rootMessage() {
        Throwable t = this;
        while (t.getCause() instanceof NetlinkDecoderException) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
