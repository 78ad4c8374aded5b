// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon.wire;

import java.io.IOException;

/**
 * Bytes that break the daemon protocol's format: says where (the offset in the stream, counted
 * from the connection's first byte) and what, and which ERROR code the receiver sends before it
 * cuts the connection off.
 */
public final class WireFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long offset;
    private final int code;

    /**
     * @param code the ERROR code for the peer, {@link WireFormat#MALFORMED} or {@link WireFormat#FRAME_TOO_LARGE}
     * @param offset where in the stream the faulty field starts
     * @param message what is wrong, with the value found
     */
    public WireFormatException(int code, long offset, String message) {
        super(message);
        this.code = code;
        this.offset = offset;
    }

    /** The faulty field's offset from the connection's first byte. */
    public long offset() {
        return offset;
    }

    /** The ERROR code to send the peer. */
    public int code() {
        return code;
    }

    @Override
    public String getMessage() {
        return super.getMessage() + " (at byte " + offset + " of the stream)";
    }
}
