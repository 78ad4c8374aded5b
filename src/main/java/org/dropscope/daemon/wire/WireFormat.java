// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon.wire;

import java.nio.charset.StandardCharsets;

/**
 * The protocol's constants (docs/daemon-protocol.md): the frame header, the HELLO magic and
 * version, the limits, the flags and the error codes.
 *
 * <pre>
 * frame = length:u32 type:u8 flags:u8 reserved:u16 payload[length - 8]    (little-endian)
 * </pre>
 */
public final class WireFormat {
    /** The frame header's size, and the smallest frame. */
    public static final int HEADER_SIZE = 8;
    /** The largest frame a receiver takes unless told otherwise: 1 MiB, header included. */
    public static final int DEFAULT_MAX_FRAME = 1 << 20;
    /** flags bit 0: the receiver must understand the type, or answer ERROR {@link #UNKNOWN_TYPE}. */
    public static final int FLAG_REQUIRED = 0x01;

    /** HELLO's first four bytes, "DSCP". */
    public static final byte[] MAGIC = "DSCP".getBytes(StandardCharsets.US_ASCII);
    /** The protocol's major version: a peer with another one cannot be talked to. */
    public static final int MAJOR = 1;
    /** The protocol's minor version: a higher one only adds (types, fields, trailing bytes). */
    public static final int MINOR = 0;

    /** ERROR: the peer's major version differs. */
    public static final int VERSION_MISMATCH = 1;
    /** ERROR: a frame that breaks the format (bad length, bad payload); the connection is cut. */
    public static final int MALFORMED = 2;
    /** ERROR: a frame above the receiver's limit; the connection is cut. */
    public static final int FRAME_TOO_LARGE = 3;
    /** ERROR: a frame marked required whose type the receiver does not know. */
    public static final int UNKNOWN_TYPE = 4;
    /** ERROR: the request needs root (SET) or is refused to this client. */
    public static final int NOT_PERMITTED = 5;
    /** ERROR: nothing received for longer than the idle timeout; the connection is cut. */
    public static final int IDLE_TIMEOUT = 6;
    /** ERROR: the daemon serves its maximum number of clients; the connection is cut. */
    public static final int TOO_MANY_CLIENTS = 7;
    /** ERROR: a known frame where it does not belong (anything before HELLO, a second HELLO). */
    public static final int UNEXPECTED = 8;
    /** ERROR: the daemon failed; the text says how. */
    public static final int INTERNAL = 9;

    private static final String[] ERROR_NAMES = {null, "VERSION_MISMATCH", "MALFORMED", "FRAME_TOO_LARGE",
        "UNKNOWN_TYPE", "NOT_PERMITTED", "IDLE_TIMEOUT", "TOO_MANY_CLIENTS", "UNEXPECTED", "INTERNAL"};

    private WireFormat() {
    }

    /** An error code's name, {@code "NOT_PERMITTED"}; {@code "error#N"} for a number this version does not name. */
    public static String errorName(int code) {
        return code > 0 && code < ERROR_NAMES.length ? ERROR_NAMES[code] : "error#" + code;
    }

    /**
     * What goes wrong when this side, speaking {@link #MAJOR}.{@link #MINOR}, meets a peer's HELLO:
     * null when they can talk (same major version), else the one line each side prints.
     *
     * @param peerRole what the peer is, {@code "the daemon"} or {@code "the client"}
     */
    public static String versionMismatch(Message.Hello peer, String peerRole) {
        if (peer.major() == MAJOR) {
            return null;
        }
        return peerRole + " speaks daemon protocol " + peer.major() + "." + peer.minor() + ", this dropscope "
                + MAJOR + "." + MINOR + " (" + (peer.software() == null ? "version unknown" : peer.software())
                + "); use a dropscope of the same major version on both sides";
    }
}
