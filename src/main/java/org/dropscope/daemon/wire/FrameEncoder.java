// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The daemon protocol's one encoder: a {@link Message} as one frame, appended to a buffer. Every
 * frame it writes stays within {@link WireFormat#DEFAULT_MAX_FRAME}, which every receiver takes.
 * Requests ({@link MessageType#request()}) are marked {@link WireFormat#FLAG_REQUIRED}.
 */
public final class FrameEncoder {
    private FrameEncoder() {
    }

    /**
     * Appends {@code m} as one frame at {@code out}'s writer index.
     *
     * @throws IllegalArgumentException for an {@link Message.Unknown} (nothing of it was kept), a
     *     field longer than 65535 bytes or a frame above the limit; {@code out} is then as it was
     */
    public static void encode(Message m, ByteBuf out) {
        int start = out.writerIndex();
        try {
            out.writeIntLE(0)
                    .writeByte(m.type().code())
                    .writeByte(m.type().request() ? WireFormat.FLAG_REQUIRED : 0)
                    .writeShortLE(0);
            payload(m, out);
            int length = out.writerIndex() - start;
            if (length > WireFormat.DEFAULT_MAX_FRAME) {
                throw new IllegalArgumentException(m.type() + " frame of " + length + " bytes exceeds the limit of "
                        + WireFormat.DEFAULT_MAX_FRAME);
            }
            out.setIntLE(start, length);
        } catch (IllegalArgumentException e) {
            out.writerIndex(start);
            throw e;
        }
    }

    private static void payload(Message m, ByteBuf out) {
        if (m instanceof Message.Hello h) {
            out.writeBytes(WireFormat.MAGIC).writeShortLE(h.major()).writeShortLE(h.minor());
            text(out, Fields.HELLO_SOFTWARE, h.software());
            text(out, Fields.HELLO_SOURCE, h.source());
            if (h.privileged() != null) {
                out.writeShortLE(Fields.HELLO_PRIVILEGED).writeShortLE(1).writeByte(h.privileged() ? 1 : 0);
            }
            if (h.want() != 0) {
                out.writeShortLE(Fields.HELLO_WANT).writeShortLE(Integer.BYTES).writeIntLE(h.want());
            }
        } else if (m instanceof Message.ErrorReply e) {
            out.writeShortLE(e.code()).writeCharSequence(e.text(), StandardCharsets.UTF_8);
        } else if (m instanceof Message.Bye b) {
            out.writeCharSequence(b.reason(), StandardCharsets.UTF_8);
        } else if (m instanceof Message.Ping p) {
            out.writeLongLE(p.token());
        } else if (m instanceof Message.Pong p) {
            out.writeLongLE(p.token());
        } else if (m instanceof Message.Status s) {
            text(out, Fields.STATUS_SOURCE, s.source());
            number(out, Fields.STATUS_UPTIME_MILLIS, s.uptimeMillis());
            number(out, Fields.STATUS_DROPS, s.drops());
            number(out, Fields.STATUS_LOST, s.lost());
            for (Message.Client c : s.clients()) {
                out.writeShortLE(Fields.STATUS_CLIENT).writeShortLE(Fields.CLIENT_SIZE)
                        .writeIntLE(c.pid()).writeIntLE(c.uid()).writeIntLE(c.gid())
                        .writeLongLE(c.gapEvents()).writeLongLE(c.gapDrops());
            }
            number(out, Fields.STATUS_SEGMENTS, s.segments());
            number(out, Fields.STATUS_RECORDED_BYTES, s.recordedBytes());
        } else if (m instanceof Message.Subscribe s) {
            out.writeCharSequence(s.filter(), StandardCharsets.UTF_8);
        } else if (m instanceof Message.Stream s) {
            out.writeBytes(s.bytes());
        } else if (m instanceof Message.Gap g) {
            out.writeLongLE(g.events()).writeLongLE(g.drops());
        } else if (m instanceof Message.Report r) {
            out.writeLongLE(r.sinceEpochNanos()).writeLongLE(r.untilEpochNanos());
        } else if (m instanceof Message.Opaque o) {
            out.writeBytes(o.payload());
        } else if (m instanceof Message.Unknown u) {
            throw new IllegalArgumentException("a skipped " + u.type() + " frame has no payload to send");
        }
        // StatusRequest, Unsubscribe: no payload.
    }

    private static void text(ByteBuf out, int tag, String value) {
        if (value == null) {
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > Fields.TLV_MAX) {
            throw new IllegalArgumentException("field " + tag + " of " + utf8.length + " bytes exceeds " + Fields.TLV_MAX);
        }
        out.writeShortLE(tag).writeShortLE(utf8.length).writeBytes(utf8);
    }

    private static void number(ByteBuf out, int tag, long value) {
        out.writeShortLE(tag).writeShortLE(Long.BYTES).writeLongLE(value);
    }
}
