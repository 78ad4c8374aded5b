// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A decoded frame: one record per message type this version defines, {@link Opaque} for the
 * types it names but does not define yet, {@link Unknown} for the ones it does not know.
 * Values are plain Java: nothing holds a buffer.
 */
public sealed interface Message {

    /** The frame type this message travels as. */
    MessageType type();

    /** HELLO: {@code want} bit: the client will ask for STATUS. */
    int WANT_STATUS = 1;
    /** HELLO: {@code want} bit: the client will SUBSCRIBE to the event stream. */
    int WANT_STREAM = 1 << 1;
    /** HELLO: {@code want} bit: the client will ask for a REPORT. */
    int WANT_REPORT = 1 << 2;
    /** HELLO: {@code want} bit: the client will SET kernel settings (root only). */
    int WANT_SET = 1 << 3;

    /**
     * HELLO, each side's first frame. Null fields are absent from the frame.
     *
     * @param major the sender's protocol major version
     * @param minor the sender's protocol minor version
     * @param software what the sender is, {@code "dropscope 0.1.0"}
     * @param source server: the kernel source it owns, {@code "tracepoint skb:kfree_skb, 8 CPUs"}
     * @param privileged server: whether this client may change kernel settings and see addresses
     * @param want client: {@code WANT_*} bits, 0 for none said
     */
    record Hello(int major, int minor, String software, String source, Boolean privileged, int want) implements Message {
        /** This version's HELLO from a client. */
        public static Hello client(String software, int want) {
            return new Hello(WireFormat.MAJOR, WireFormat.MINOR, software, null, null, want);
        }

        /** This version's HELLO from the daemon to one client. */
        public static Hello server(String software, String source, boolean privileged) {
            return new Hello(WireFormat.MAJOR, WireFormat.MINOR, software, source, privileged, 0);
        }

        @Override
        public MessageType type() {
            return MessageType.HELLO;
        }
    }

    /**
     * ERROR: a code ({@code WireFormat.VERSION_MISMATCH} ...) and one line of text.
     *
     * @param code the error code, u16
     * @param text the line to show, UTF-8
     */
    record ErrorReply(int code, String text) implements Message {
        public ErrorReply {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public MessageType type() {
            return MessageType.ERROR;
        }

        @Override
        public String toString() {
            return "ERROR " + WireFormat.errorName(code) + ": " + text;
        }
    }

    /** BYE: the sender closes the connection after it; {@code reason} may be empty. */
    record Bye(String reason) implements Message {
        public Bye {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public MessageType type() {
            return MessageType.BYE;
        }
    }

    /** PING: asks for a PONG carrying the same token. */
    record Ping(long token) implements Message {
        @Override
        public MessageType type() {
            return MessageType.PING;
        }
    }

    /** PONG: the answer to the PING with this token. */
    record Pong(long token) implements Message {
        @Override
        public MessageType type() {
            return MessageType.PONG;
        }
    }

    /** STATUS_REQUEST: asks for a {@link Status}. */
    record StatusRequest() implements Message {
        @Override
        public MessageType type() {
            return MessageType.STATUS_REQUEST;
        }
    }

    /**
     * STATUS: what {@code dropscope status} shows.
     *
     * @param source the kernel source the daemon owns
     * @param uptimeMillis since the daemon started
     * @param drops drops counted since it started
     * @param lost events the kernel side lost since it started
     * @param clients the connected clients, the asking one included
     * @param segments flight-recorder segments on disk
     * @param recordedBytes their size
     */
    record Status(String source, long uptimeMillis, long drops, long lost, List<Client> clients, long segments,
            long recordedBytes) implements Message {
        public Status {
            Objects.requireNonNull(source, "source");
            clients = List.copyOf(clients);
        }

        @Override
        public MessageType type() {
            return MessageType.STATUS;
        }
    }

    /**
     * A connected client as STATUS lists it: its process and user, from SO_PEERCRED, and what its
     * stream missed because its queue was full.
     *
     * @param gapEvents events the daemon could not send to it
     * @param gapDrops the drops of those events
     */
    record Client(int pid, int uid, int gid, long gapEvents, long gapDrops) {
        /** A client whose stream missed nothing (or that has none). */
        public Client(int pid, int uid, int gid) {
            this(pid, uid, gid, 0, 0);
        }
    }

    /**
     * SUBSCRIBE: asks for the event stream.
     *
     * @param filter a {@code --filter} expression (docs/filter.md), empty for every drop
     */
    record Subscribe(String filter) implements Message {
        public Subscribe {
            Objects.requireNonNull(filter, "filter");
        }

        @Override
        public MessageType type() {
            return MessageType.SUBSCRIBE;
        }
    }

    /**
     * REPORT: asks for the flight recorder's drops in a time range, answered as a stream (STREAM
     * frames of one record file, ending with its end record).
     *
     * @param sinceEpochNanos the first nanosecond since the epoch wanted ({@link Long#MIN_VALUE}: all)
     * @param untilEpochNanos the first nanosecond not wanted ({@link Long#MAX_VALUE}: all)
     */
    record Report(long sinceEpochNanos, long untilEpochNanos) implements Message {
        @Override
        public MessageType type() {
            return MessageType.REPORT;
        }
    }

    /** UNSUBSCRIBE: ends the stream; the daemon's answer is the stream's end record. */
    record Unsubscribe() implements Message {
        @Override
        public MessageType type() {
            return MessageType.UNSUBSCRIBE;
        }
    }

    /**
     * STREAM: the next bytes of the record file (docs/file-format.md) the daemon writes for this
     * client; frame boundaries mean nothing to the file.
     *
     * @param bytes the bytes, owned by the message (not copied: they can be many)
     */
    record Stream(byte[] bytes) implements Message {
        public Stream {
            Objects.requireNonNull(bytes, "bytes");
        }

        @Override
        public MessageType type() {
            return MessageType.STREAM;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Stream s && Arrays.equals(s.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "STREAM[" + bytes.length + " bytes]";
        }
    }

    /**
     * GAP: what this client missed because its queue was full, counted since its previous GAP;
     * the stream holds a lost record of the same events on the gap CPU (docs/daemon-protocol.md).
     *
     * @param events events not written to this client
     * @param drops the drops those events stand for
     */
    record Gap(long events, long drops) implements Message {
        @Override
        public MessageType type() {
            return MessageType.GAP;
        }
    }

    /**
     * A frame of a type this version names but whose payload a later step defines (SET):
     * its bytes as they came.
     */
    record Opaque(MessageType type, byte[] payload) implements Message {
        public Opaque {
            Objects.requireNonNull(type, "type");
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Opaque p && p.type.equals(type) && Arrays.equals(p.payload, payload);
        }

        @Override
        public int hashCode() {
            return type.hashCode() * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return type + "[" + payload.length + " bytes]";
        }
    }

    /**
     * A frame whose type this version does not know, skipped: its payload is not kept. If it is
     * {@link #required()}, the receiver answers ERROR {@code UNKNOWN_TYPE}.
     *
     * @param type the unnamed type
     * @param flags the frame's flags
     * @param length the whole frame's length
     */
    record Unknown(MessageType type, int flags, int length) implements Message {
        /** Whether the sender marked it {@link WireFormat#FLAG_REQUIRED}. */
        public boolean required() {
            return (flags & WireFormat.FLAG_REQUIRED) != 0;
        }
    }
}
