// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoder against random bytes and mutated valid streams, with fixed seeds: it throws nothing
 * but {@link WireFormatException}, never reads outside its input (the input is a slice exactly its
 * size, between two guard bytes nothing may touch), never keeps or releases it, and every message it
 * decodes encodes back to an equal one.
 */
class FrameDecoderRandomTest {
    private static final int ROUNDS = 20_000;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 0x5eed, 20261207})
    void randomBytes(long seed) {
        Random r = new Random(seed);
        Tally tally = new Tally();
        for (int i = 0; i < ROUNDS; i++) {
            byte[] data = new byte[r.nextInt(64)];
            r.nextBytes(data);
            if (data.length >= WireFormat.HEADER_SIZE && r.nextBoolean()) {
                // A plausible length, so that payload parsing is reached rather than the length check.
                int len = WireFormat.HEADER_SIZE + r.nextInt(data.length - WireFormat.HEADER_SIZE + 1);
                data[0] = (byte) len;
                data[1] = data[2] = data[3] = 0;
                data[4] = (byte) (1 + r.nextInt(8));
            }
            tally.add(decodeAll(data, 64));
        }
        tally.check();
    }

    @ParameterizedTest
    @ValueSource(longs = {3, 4, 0xfeed, 20261208})
    void mutatedValidStreams(long seed) {
        ByteBuf valid = Unpooled.buffer();
        for (Message m : FrameCodecTest.everyType()) {
            FrameEncoder.encode(m, valid);
        }
        byte[] stream = new byte[valid.readableBytes()];
        valid.readBytes(stream);
        valid.release();
        Random r = new Random(seed);
        Tally tally = new Tally();
        for (int i = 0; i < ROUNDS / 4; i++) {
            byte[] data = stream.clone();
            int mutations = 1 + r.nextInt(4);
            for (int k = 0; k < mutations; k++) {
                data[r.nextInt(data.length)] = (byte) r.nextInt(256);
            }
            int cut = r.nextInt(4) == 0 ? r.nextInt(data.length) : data.length;
            tally.add(decodeAll(Arrays.copyOf(data, cut), WireFormat.DEFAULT_MAX_FRAME));
        }
        tally.check();
    }

    /** Whether the inputs reached both sides: messages decoded, and malformed frames refused. */
    private static final class Tally {
        private long messages;
        private long malformed;

        void add(int outcome) {
            if (outcome < 0) {
                malformed++;
            } else {
                messages += outcome;
            }
        }

        void check() {
            assertTrue(messages > 0 && malformed > 0, messages + " messages, " + malformed + " malformed inputs");
        }
    }

    /**
     * Decodes frames until the input ends, is incomplete or is malformed; checks the oracle.
     *
     * @return the number of messages decoded, or -1 if the input was malformed
     */
    static int decodeAll(byte[] data, int maxFrame) {
        ByteBuf whole = ByteBufAllocator.DEFAULT.heapBuffer(data.length + 2);
        whole.writeByte(0x5a).writeBytes(data).writeByte(0xa5);
        ByteBuf in = whole.slice(1, data.length);
        FrameDecoder decoder = new FrameDecoder(maxFrame);
        int messages = 0;
        try {
            Message m;
            while ((m = decoder.decode(in)) != null) {
                messages++;
                if (!(m instanceof Message.Unknown)) {
                    assertEquals(m, reencoded(m), "a decoded message encodes back to itself");
                }
                assertEquals(decoder.offset(), in.readerIndex(), "the reader index is at the end of the last frame");
            }
            return messages;
        } catch (WireFormatException e) {
            assertTrue(e.offset() >= decoder.offset() && e.offset() <= data.length, "offset " + e.offset());
            return -1;
        } finally {
            assertEquals(0x5a, whole.getUnsignedByte(0));
            assertEquals(0xa5, whole.getUnsignedByte(data.length + 1));
            assertEquals(1, whole.refCnt(), "the decoder kept or dropped a reference of its input");
            whole.release();
        }
    }

    private static Message reencoded(Message m) {
        ByteBuf again = Unpooled.buffer();
        try {
            FrameEncoder.encode(m, again);
            return new FrameDecoder().decode(again);
        } catch (WireFormatException e) {
            throw new AssertionError("the encoder wrote what the decoder refuses: " + m, e);
        } finally {
            again.release();
        }
    }

    /** The mutated streams' seeds, for the Jazzer target too. */
    static List<byte[]> seeds() {
        ByteBuf valid = Unpooled.buffer();
        for (Message m : FrameCodecTest.everyType()) {
            FrameEncoder.encode(m, valid);
        }
        byte[] all = new byte[valid.readableBytes()];
        valid.readBytes(all);
        valid.release();
        return List.of(all, new byte[] {8, 0, 0, 0, 6, 1, 0, 0}, new byte[0]);
    }
}
