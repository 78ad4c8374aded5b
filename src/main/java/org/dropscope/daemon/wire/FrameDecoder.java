// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemon protocol's one decoder: frames out of a connection's bytes, one per
 * {@link #decode(ByteBuf)}, each with its payload parsed into a {@link Message}. One instance per
 * connection and direction: it counts the bytes it consumed, so that an error names its offset in
 * the stream.
 *
 * <p>Contract (Netty's DNS decoders'): if a whole frame is not there yet, {@code decode} returns
 * null and leaves the reader index alone; otherwise it moves the reader index to the frame's end,
 * however much of the payload it understood. It never reads outside the frame, never keeps or
 * releases the buffer, and throws nothing but {@link WireFormatException}, after which the stream
 * cannot be trusted and the connection is cut.
 */
public final class FrameDecoder {
    private final int maxFrame;
    private long consumed;

    /** A decoder taking frames up to {@link WireFormat#DEFAULT_MAX_FRAME}. */
    public FrameDecoder() {
        this(WireFormat.DEFAULT_MAX_FRAME);
    }

    /** @param maxFrame the largest frame accepted, header included; at least 8 */
    public FrameDecoder(int maxFrame) {
        if (maxFrame < WireFormat.HEADER_SIZE) {
            throw new IllegalArgumentException("frame limit " + maxFrame + " is below the 8-byte header");
        }
        this.maxFrame = maxFrame;
    }

    /** Bytes of the stream consumed so far: the offset of the next frame. */
    public long offset() {
        return consumed;
    }

    /**
     * Decodes the next frame.
     *
     * @return the message, or null if the frame is not complete yet (wait for more bytes)
     * @throws WireFormatException for a length below the header or above the limit (known as soon
     *     as the length field is there), or a payload its type does not allow
     */
    public Message decode(ByteBuf in) throws WireFormatException {
        if (in.readableBytes() < Integer.BYTES) {
            return null;
        }
        int start = in.readerIndex();
        long length = in.getUnsignedIntLE(start);
        if (length < WireFormat.HEADER_SIZE) {
            throw new WireFormatException(WireFormat.MALFORMED, consumed,
                    "frame length " + length + " is below the 8-byte header");
        }
        if (length > maxFrame) {
            throw new WireFormatException(WireFormat.FRAME_TOO_LARGE, consumed,
                    "frame length " + length + " exceeds the limit of " + maxFrame + " bytes");
        }
        if (in.readableBytes() < length) {
            return null;
        }
        MessageType type = MessageType.valueOf(in.getUnsignedByte(start + 4));
        int flags = in.getUnsignedByte(start + 5);
        Payload p = new Payload(in.slice(start + WireFormat.HEADER_SIZE, (int) length - WireFormat.HEADER_SIZE),
                consumed + WireFormat.HEADER_SIZE, type);
        Message m = payload(type, flags, (int) length, p);
        in.skipBytes((int) length);
        consumed += length;
        return m;
    }

    private static Message payload(MessageType type, int flags, int length, Payload p) throws WireFormatException {
        if (!type.known()) {
            return new Message.Unknown(type, flags, length);
        }
        if (type.equals(MessageType.HELLO)) {
            return hello(p);
        } else if (type.equals(MessageType.ERROR)) {
            p.need(Short.BYTES, "the error code");
            int code = p.buf.readUnsignedShortLE();
            return new Message.ErrorReply(code, p.rest());
        } else if (type.equals(MessageType.BYE)) {
            return new Message.Bye(p.rest());
        } else if (type.equals(MessageType.PING)) {
            p.need(Long.BYTES, "the token");
            return new Message.Ping(p.buf.readLongLE());
        } else if (type.equals(MessageType.PONG)) {
            p.need(Long.BYTES, "the token");
            return new Message.Pong(p.buf.readLongLE());
        } else if (type.equals(MessageType.STATUS_REQUEST)) {
            return new Message.StatusRequest();
        } else if (type.equals(MessageType.STATUS)) {
            return status(p);
        } else if (type.equals(MessageType.SUBSCRIBE)) {
            return new Message.Subscribe(p.rest());
        } else if (type.equals(MessageType.UNSUBSCRIBE)) {
            return new Message.Unsubscribe();
        } else if (type.equals(MessageType.STREAM)) {
            byte[] bytes = new byte[p.buf.readableBytes()];
            p.buf.readBytes(bytes);
            return new Message.Stream(bytes);
        } else if (type.equals(MessageType.REPORT)) {
            p.need(2 * Long.BYTES, "since and until");
            return new Message.Report(p.buf.readLongLE(), p.buf.readLongLE());
        } else if (type.equals(MessageType.GAP)) {
            p.need(2 * Long.BYTES, "the events and drops");
            return new Message.Gap(p.buf.readLongLE(), p.buf.readLongLE());
        }
        byte[] bytes = new byte[p.buf.readableBytes()];
        p.buf.readBytes(bytes);
        return new Message.Opaque(type, bytes);
    }

    private static Message.Hello hello(Payload p) throws WireFormatException {
        p.need(WireFormat.MAGIC.length + 2 * Short.BYTES, "the magic and the version");
        for (int i = 0; i < WireFormat.MAGIC.length; i++) {
            if (p.buf.getByte(i) != WireFormat.MAGIC[i]) {
                throw p.error(0, String.format("HELLO magic 0x%08x is not \"DSCP\": not a dropscope daemon",
                        p.buf.getUnsignedInt(0)));
            }
        }
        p.buf.skipBytes(WireFormat.MAGIC.length);
        int major = p.buf.readUnsignedShortLE();
        int minor = p.buf.readUnsignedShortLE();
        String software = null;
        String source = null;
        Boolean privileged = null;
        int want = 0;
        while (p.buf.isReadable()) {
            int tag = p.field();
            int len = p.buf.readableBytes();
            switch (tag) {
                case Fields.HELLO_SOFTWARE -> software = p.rest();
                case Fields.HELLO_SOURCE -> source = p.rest();
                case Fields.HELLO_PRIVILEGED -> privileged = p.fixed(len, 1, "PRIVILEGED") && p.buf.readByte() != 0;
                case Fields.HELLO_WANT -> want = p.fixed(len, Integer.BYTES, "WANT") ? p.buf.readIntLE() : 0;
                default -> p.buf.skipBytes(len);
            }
            p.endField();
        }
        return new Message.Hello(major, minor, software, source, privileged, want);
    }

    private static Message.Status status(Payload p) throws WireFormatException {
        String source = "";
        long[] numbers = new long[Fields.STATUS_RECORDED_BYTES + 1];
        List<Message.Client> clients = new ArrayList<>();
        while (p.buf.isReadable()) {
            int tag = p.field();
            int len = p.buf.readableBytes();
            if (tag == Fields.STATUS_SOURCE) {
                source = p.rest();
            } else if (tag == Fields.STATUS_CLIENT) {
                if (len != Fields.CLIENT_IDS_SIZE) {
                    p.fixed(len, Fields.CLIENT_SIZE, "CLIENT");
                }
                int pid = p.buf.readIntLE();
                int uid = p.buf.readIntLE();
                int gid = p.buf.readIntLE();
                clients.add(len == Fields.CLIENT_SIZE ? new Message.Client(pid, uid, gid, p.buf.readLongLE(),
                        p.buf.readLongLE()) : new Message.Client(pid, uid, gid));
            } else if (tag >= Fields.STATUS_UPTIME_MILLIS && tag <= Fields.STATUS_RECORDED_BYTES) {
                p.fixed(len, Long.BYTES, String.valueOf(tag));
                numbers[tag] = p.buf.readLongLE();
            } else {
                p.buf.skipBytes(len);
            }
            p.endField();
        }
        return new Message.Status(source, numbers[Fields.STATUS_UPTIME_MILLIS], numbers[Fields.STATUS_DROPS],
                numbers[Fields.STATUS_LOST], clients, numbers[Fields.STATUS_SEGMENTS],
                numbers[Fields.STATUS_RECORDED_BYTES]);
    }

    /** A frame's payload being read, with its offset in the stream for errors. */
    private static final class Payload {
        private final ByteBuf whole;
        private final long base;
        private final MessageType type;
        /** The payload, or while a field is read, the field's value alone. */
        private ByteBuf buf;

        Payload(ByteBuf whole, long base, MessageType type) {
            this.whole = whole;
            this.base = base;
            this.type = type;
            this.buf = whole;
        }

        void need(int n, String what) throws WireFormatException {
            if (buf.readableBytes() < n) {
                throw error(buf.readerIndex(), type + " payload of " + buf.readableBytes()
                        + " bytes is too short for " + what + " (" + n + " bytes)");
            }
        }

        /** Reads a TLV header and narrows {@link #buf} to its value; {@link #endField()} widens it again. */
        int field() throws WireFormatException {
            need(Fields.TLV_HEADER, "a field's tag and length");
            int at = whole.readerIndex();
            int tag = whole.readUnsignedShortLE();
            int len = whole.readUnsignedShortLE();
            if (len > whole.readableBytes()) {
                throw error(at, type + " field " + tag + " length " + len + " exceeds the "
                        + whole.readableBytes() + " bytes left in the frame");
            }
            buf = whole.readSlice(len);
            return tag;
        }

        void endField() {
            buf = whole;
        }

        /** Checks that a field's value is {@code size} bytes; always true when it returns. */
        boolean fixed(int len, int size, String name) throws WireFormatException {
            if (len != size) {
                throw error(whole.readerIndex() - len, type + " field " + name + " is " + len
                        + " bytes, not " + size);
            }
            return true;
        }

        /** The rest of the payload or field as UTF-8 (malformed sequences become U+FFFD). */
        String rest() {
            String s = buf.toString(buf.readerIndex(), buf.readableBytes(), StandardCharsets.UTF_8);
            buf.skipBytes(buf.readableBytes());
            return s;
        }

        WireFormatException error(int offsetInPayload, String message) {
            return new WireFormatException(WireFormat.MALFORMED, base + offsetInPayload, message);
        }
    }
}
