// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon.wire;

/**
 * A frame's type byte, as an open enum: {@link #valueOf(int)} gives the named type or, for a
 * number this version does not know, an unnamed one carrying the number, which a receiver skips
 * (or, if the frame is marked required, answers with an error). Numbers never change meaning
 * (docs/daemon-protocol.md, "Message types").
 */
public final class MessageType {
    /** First frame each way: magic, version, what the sender is and wants. */
    public static final MessageType HELLO = new MessageType(1, "HELLO", false);
    /** A refusal or failure: a code and one line of text. */
    public static final MessageType ERROR = new MessageType(2, "ERROR", false);
    /** The sender closes the connection after this frame; an optional reason. */
    public static final MessageType BYE = new MessageType(3, "BYE", false);
    /** Asks for a PONG with the same token. */
    public static final MessageType PING = new MessageType(4, "PING", true);
    /** The answer to a PING. */
    public static final MessageType PONG = new MessageType(5, "PONG", false);
    /** Client: asks for a STATUS. */
    public static final MessageType STATUS_REQUEST = new MessageType(6, "STATUS_REQUEST", true);
    /** Server: source, uptime, clients, counts, recorder. */
    public static final MessageType STATUS = new MessageType(7, "STATUS", false);
    /** Client: stream events, optionally through a filter. */
    public static final MessageType SUBSCRIBE = new MessageType(16, "SUBSCRIBE", true);
    /** Server: record-file bytes (docs/file-format.md), as {@code record} writes them. */
    public static final MessageType STREAM = new MessageType(17, "STREAM", false);
    /** Server: how many events this client missed because its queue was full. */
    public static final MessageType GAP = new MessageType(18, "GAP", false);
    /** Client: a report from the flight recorder, since and until. */
    public static final MessageType REPORT = new MessageType(19, "REPORT", true);
    /** Client: change a kernel setting; root only. */
    public static final MessageType SET = new MessageType(20, "SET", true);
    /** Client: end the stream; the daemon answers with the stream's end record, everything read before it included. */
    public static final MessageType UNSUBSCRIBE = new MessageType(21, "UNSUBSCRIBE", true);

    private static final MessageType[] KNOWN = {HELLO, ERROR, BYE, PING, PONG, STATUS_REQUEST, STATUS,
        SUBSCRIBE, STREAM, GAP, REPORT, SET, UNSUBSCRIBE};

    private final int code;
    private final String name;
    private final boolean request;

    private MessageType(int code, String name, boolean request) {
        this.code = code;
        this.name = name;
        this.request = request;
    }

    /** The type with this number: a named one, or an unnamed one that prints as {@code type#N}. */
    public static MessageType valueOf(int code) {
        for (MessageType t : KNOWN) {
            if (t.code == code) {
                return t;
            }
        }
        return new MessageType(code, null, false);
    }

    /** Every named type, in number order. */
    public static MessageType[] named() {
        return KNOWN.clone();
    }

    /** The number on the wire, 0 to 255. */
    public int code() {
        return code;
    }

    /** Whether this version names the type. */
    public boolean known() {
        return name != null;
    }

    /**
     * Whether frames of this type are requests the peer must answer, so the encoder marks them
     * {@link WireFormat#FLAG_REQUIRED}: a peer that does not know the type says so rather than
     * leaving the sender waiting.
     */
    public boolean request() {
        return request;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageType t && t.code == code;
    }

    @Override
    public int hashCode() {
        return code;
    }

    @Override
    public String toString() {
        return name != null ? name : "type#" + code;
    }
}
