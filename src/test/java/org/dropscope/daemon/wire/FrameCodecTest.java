// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FrameEncoder} and {@link FrameDecoder}: every message type, the byte layout, the errors. */
class FrameCodecTest {

    /** One message of every type this version defines or names. */
    static List<Message> everyType() {
        List<Message> all = new ArrayList<>(List.of(
                Message.Hello.client("dropscope 0.1.0", Message.WANT_STATUS | Message.WANT_STREAM),
                Message.Hello.server("dropscope 0.1.0", "tracepoint skb:kfree_skb, 8 CPUs", false),
                new Message.Hello(1, 7, null, null, true, 0),
                new Message.ErrorReply(WireFormat.NOT_PERMITTED, "set needs root (uid 0); this client is uid 1000"),
                new Message.Bye(""),
                new Message.Bye("daemon stopping (SIGTERM)"),
                new Message.Ping(0x0123456789abcdefL),
                new Message.Pong(-1L),
                new Message.StatusRequest(),
                new Message.Status("netdm", 3_600_000L, 1_500_000_000L, 3L,
                        List.of(new Message.Client(4242, 0, 0), new Message.Client(77, 1000, 1000, 4096, 1L << 33)), 12L,
                        1L << 30),
                new Message.Status("", 0, 0, 0, List.of(), 0, 0),
                new Message.Subscribe(""),
                new Message.Subscribe("reason == NO_SOCKET"),
                new Message.Stream(new byte[] {(byte) 0x89, 'D', 'S', 'R', 'E', 'C'}),
                new Message.Stream(new byte[0]),
                new Message.Gap(4096, 1L << 40),
                new Message.Report(1_795_000_000_000_000_000L, Long.MAX_VALUE),
                new Message.Unsubscribe()));
        for (MessageType t : MessageType.named()) {
            if (t.equals(MessageType.SET)) {
                all.add(new Message.Opaque(t, new byte[] {1, 2, 3, (byte) t.code()}));
            }
        }
        return all;
    }

    @Test
    void everyMessageTypeRoundTrips() throws WireFormatException {
        List<Message> all = everyType();
        ByteBuf stream = Unpooled.buffer();
        for (Message m : all) {
            FrameEncoder.encode(m, stream);
        }
        FrameDecoder decoder = new FrameDecoder();
        List<MessageType> types = new ArrayList<>();
        for (Message m : all) {
            Message back = decoder.decode(stream);
            assertEquals(m, back);
            types.add(back.type());
        }
        assertNull(decoder.decode(stream));
        assertEquals(stream.writerIndex(), decoder.offset());
        for (MessageType t : MessageType.named()) {
            assertTrue(types.contains(t), t + " is not round-tripped");
        }
        assertTrue(stream.release());
    }

    @Test
    void aPingIsLaidOutAsDocumented() {
        ByteBuf out = Unpooled.buffer();
        FrameEncoder.encode(new Message.Ping(0x0807060504030201L), out);
        assertArrayEquals(new byte[] {
            16, 0, 0, 0,              // length: the whole frame, little-endian
            4,                        // type: PING
            1,                        // flags: REQUIRED (a request)
            0, 0,                     // reserved
            1, 2, 3, 4, 5, 6, 7, 8,   // token, little-endian
        }, ByteBufUtil.getBytes(out));
        out.release();
    }

    @Test
    void aServerHelloIsLaidOutAsDocumented() {
        ByteBuf out = Unpooled.buffer();
        FrameEncoder.encode(new Message.Hello(1, 2, "ds", null, true, 0), out);
        assertArrayEquals(new byte[] {
            27, 0, 0, 0,              // length
            1, 0, 0, 0,               // type HELLO, no flags, reserved
            'D', 'S', 'C', 'P',       // magic
            1, 0, 2, 0,               // major 1, minor 2
            1, 0, 2, 0, 'd', 's',     // SOFTWARE, 2 bytes
            3, 0, 1, 0, 1,            // PRIVILEGED, 1 byte: yes
        }, ByteBufUtil.getBytes(out));
        out.release();
    }

    @Test
    void anIncompleteFrameWaitsForMoreBytes() throws WireFormatException {
        ByteBuf whole = Unpooled.buffer();
        FrameEncoder.encode(new Message.Bye("bye"), whole);
        FrameDecoder decoder = new FrameDecoder();
        ByteBuf in = Unpooled.buffer();
        for (int i = 0; i < whole.readableBytes() - 1; i++) {
            in.writeByte(whole.getByte(i));
            assertNull(decoder.decode(in));
            assertEquals(0, in.readerIndex());
        }
        in.writeByte(whole.getByte(whole.readableBytes() - 1));
        assertEquals(new Message.Bye("bye"), decoder.decode(in));
        assertTrue(whole.release());
        assertTrue(in.release());
    }

    @Test
    void anUnknownTypeIsSkippedByItsLength() throws WireFormatException {
        ByteBuf in = Unpooled.buffer();
        in.writeIntLE(11).writeByte(200).writeByte(0).writeShortLE(0).writeBytes(new byte[] {9, 9, 9});
        FrameEncoder.encode(new Message.Ping(5), in);
        FrameDecoder decoder = new FrameDecoder();
        Message.Unknown u = (Message.Unknown) decoder.decode(in);
        assertEquals("type#200", u.type().toString());
        assertEquals(11, u.length());
        assertTrue(!u.required());
        assertEquals(new Message.Ping(5), decoder.decode(in));
        in.release();
    }

    @Test
    void anUnknownRequiredTypeIsMarkedForAnErrorReply() throws WireFormatException {
        ByteBuf in = Unpooled.buffer().writeIntLE(8).writeByte(99).writeByte(WireFormat.FLAG_REQUIRED).writeShortLE(0);
        Message.Unknown u = (Message.Unknown) new FrameDecoder().decode(in);
        assertTrue(u.required());
        assertEquals(8, in.readerIndex());
        in.release();
    }

    @Test
    void unknownFieldsAndTrailingBytesOfALaterMinorVersionAreSkipped() throws WireFormatException {
        ByteBuf in = Unpooled.buffer();
        in.writeIntLE(0).writeByte(1).writeByte(0).writeShortLE(0)
                .writeBytes(WireFormat.MAGIC).writeShortLE(1).writeShortLE(9)
                .writeShortLE(99).writeShortLE(3).writeBytes(new byte[] {7, 7, 7})   // a field from 1.9
                .writeShortLE(Fields.HELLO_SOFTWARE).writeShortLE(1).writeByte('x');
        in.setIntLE(0, in.writerIndex());
        int ping = in.writerIndex();
        in.writeIntLE(20).writeByte(MessageType.PING.code()).writeByte(0).writeShortLE(0).writeLongLE(3).writeIntLE(-1);
        FrameDecoder decoder = new FrameDecoder();
        assertEquals(new Message.Hello(1, 9, "x", null, null, 0), decoder.decode(in));
        assertEquals(new Message.Ping(3), decoder.decode(in));
        assertEquals(ping + 20, decoder.offset());
        in.release();
    }

    @Test
    void unknownStatusFieldsOfAnySizeAreSkipped() throws WireFormatException {
        ByteBuf in = Unpooled.buffer().writeIntLE(0).writeByte(MessageType.STATUS.code()).writeByte(0).writeShortLE(0)
                .writeShortLE(0).writeShortLE(3).writeMedium(0)
                .writeShortLE(Fields.STATUS_DROPS).writeShortLE(8).writeLongLE(42)
                .writeShortLE(500).writeShortLE(1).writeByte(1);
        in.setIntLE(0, in.writerIndex());
        assertEquals(new Message.Status("", 0, 42, 0, List.of(), 0, 0), new FrameDecoder().decode(in));
        in.release();
    }

    @Test
    void aLengthBelowTheHeaderIsAnErrorAtItsOffset() throws WireFormatException {
        ByteBuf in = Unpooled.buffer();
        FrameEncoder.encode(new Message.StatusRequest(), in);
        in.writeIntLE(7).writeIntLE(0);
        FrameDecoder decoder = new FrameDecoder();
        decoder.decode(in);
        WireFormatException e = assertThrows(WireFormatException.class, () -> decoder.decode(in));
        assertEquals(WireFormat.MALFORMED, e.code());
        assertEquals(8, e.offset());
        assertEquals("frame length 7 is below the 8-byte header (at byte 8 of the stream)", e.getMessage());
        in.release();
    }

    @Test
    void aFrameAboveTheLimitIsRefusedBeforeItArrives() {
        ByteBuf in = Unpooled.buffer().writeIntLE(4097);
        WireFormatException e = assertThrows(WireFormatException.class, () -> new FrameDecoder(4096).decode(in));
        assertEquals(WireFormat.FRAME_TOO_LARGE, e.code());
        assertEquals("frame length 4097 exceeds the limit of 4096 bytes (at byte 0 of the stream)", e.getMessage());
        in.release();
    }

    @Test
    void aLengthOfFourGibibytesIsNotNegative() {
        ByteBuf in = Unpooled.buffer().writeIntLE(-1);
        WireFormatException e = assertThrows(WireFormatException.class, () -> new FrameDecoder().decode(in));
        assertTrue(e.getMessage().startsWith("frame length 4294967295 exceeds"), e.getMessage());
        in.release();
    }

    @Test
    void aHelloWithoutTheMagicIsNotADaemon() {
        ByteBuf in = Unpooled.buffer().writeIntLE(16).writeByte(1).writeByte(0).writeShortLE(0)
                .writeBytes("HTTP".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).writeShortLE(1).writeShortLE(0);
        WireFormatException e = assertThrows(WireFormatException.class, () -> new FrameDecoder().decode(in));
        assertEquals("HELLO magic 0x48545450 is not \"DSCP\": not a dropscope daemon (at byte 8 of the stream)",
                e.getMessage());
        assertEquals(0, in.readerIndex());
        in.release();
    }

    @Test
    void aFieldLongerThanItsFrameIsNamed() {
        ByteBuf in = Unpooled.buffer().writeIntLE(22).writeByte(1).writeByte(0).writeShortLE(0)
                .writeBytes(WireFormat.MAGIC).writeShortLE(1).writeShortLE(0)
                .writeShortLE(Fields.HELLO_SOFTWARE).writeShortLE(50).writeShortLE(0);
        WireFormatException e = assertThrows(WireFormatException.class, () -> new FrameDecoder().decode(in));
        assertEquals("HELLO field 1 length 50 exceeds the 2 bytes left in the frame (at byte 16 of the stream)",
                e.getMessage());
        in.release();
    }

    @Test
    void aNumberFieldOfTheWrongSizeIsNamed() {
        ByteBuf in = Unpooled.buffer().writeIntLE(15).writeByte(MessageType.STATUS.code()).writeByte(0).writeShortLE(0)
                .writeShortLE(Fields.STATUS_DROPS).writeShortLE(3).writeMedium(0);
        WireFormatException e = assertThrows(WireFormatException.class, () -> new FrameDecoder().decode(in));
        assertEquals("STATUS field 3 is 3 bytes, not 8 (at byte 12 of the stream)", e.getMessage());
        in.release();
    }

    @Test
    void aShortPingIsNamed() {
        ByteBuf in = Unpooled.buffer().writeIntLE(12).writeByte(MessageType.PING.code()).writeByte(1).writeShortLE(0)
                .writeIntLE(0);
        WireFormatException e = assertThrows(WireFormatException.class, () -> new FrameDecoder().decode(in));
        assertEquals("PING payload of 4 bytes is too short for the token (8 bytes) (at byte 8 of the stream)",
                e.getMessage());
        in.release();
    }

    @Test
    void theEncoderRefusesWhatNoReceiverTakes() {
        ByteBuf out = Unpooled.buffer().writeByte(42);
        assertThrows(IllegalArgumentException.class,
                () -> FrameEncoder.encode(new Message.Stream(new byte[WireFormat.DEFAULT_MAX_FRAME]), out));
        assertThrows(IllegalArgumentException.class,
                () -> FrameEncoder.encode(new Message.Hello(1, 0, "x".repeat(70_000), null, null, 0), out));
        assertThrows(IllegalArgumentException.class,
                () -> FrameEncoder.encode(new Message.Unknown(MessageType.valueOf(99), 0, 8), out));
        assertEquals(1, out.writerIndex(), "nothing of a refused frame is left");
        out.release();
    }

    @Test
    void aMajorVersionMismatchIsOneLine() {
        assertNull(WireFormat.versionMismatch(Message.Hello.server("dropscope 0.1.0", "netdm", true), "the daemon"));
        assertNull(WireFormat.versionMismatch(new Message.Hello(WireFormat.MAJOR, 99, null, null, null, 0), "the client"));
        assertEquals("the daemon speaks daemon protocol 2.3, this dropscope 1.0 (dropscope 9.0.0); use a dropscope"
                + " of the same major version on both sides",
                WireFormat.versionMismatch(new Message.Hello(2, 3, "dropscope 9.0.0", null, null, 0), "the daemon"));
    }

    @Test
    void aClientFieldOfIdsOnlyReadsAsNoGapsAndAnyOtherSizeIsMalformed() throws WireFormatException {
        ByteBuf ids = Unpooled.buffer().writeIntLE(24).writeByte(7).writeByte(0).writeShortLE(0)
                .writeShortLE(5).writeShortLE(12).writeIntLE(4242).writeIntLE(1000).writeIntLE(100);
        Message.Status s = (Message.Status) new FrameDecoder().decode(ids);
        assertEquals(List.of(new Message.Client(4242, 1000, 100, 0, 0)), s.clients());
        ids.release();
        ByteBuf odd = Unpooled.buffer().writeIntLE(28).writeByte(7).writeByte(0).writeShortLE(0)
                .writeShortLE(5).writeShortLE(16).writeZero(16);
        WireFormatException e = assertThrows(WireFormatException.class, () -> new FrameDecoder().decode(odd));
        assertEquals("STATUS field CLIENT is 16 bytes, not 28 (at byte 12 of the stream)", e.getMessage());
        odd.release();
    }

    @Test
    void typeNumbersNeverChange() {
        int[] codes = {1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21};
        String[] names = {"HELLO", "ERROR", "BYE", "PING", "PONG", "STATUS_REQUEST", "STATUS", "SUBSCRIBE", "STREAM",
            "GAP", "REPORT", "SET", "UNSUBSCRIBE"};
        MessageType[] named = MessageType.named();
        for (int i = 0; i < codes.length; i++) {
            assertEquals(codes[i], named[i].code());
            assertEquals(names[i], named[i].toString());
            assertEquals(named[i], MessageType.valueOf(codes[i]));
        }
        assertEquals(codes.length, named.length);
    }
}
