// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.Messages.concat;
import static org.dropscope.netlink.Messages.error;
import static org.dropscope.netlink.Messages.genl;
import static org.dropscope.netlink.Messages.withSeq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.dropscope.nativeio.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NetlinkClientTest {

    /** Records what the client hands over besides replies. */
    private static final class Recorder implements NetlinkListener {
        final List<Integer> multicast = new ArrayList<>();
        final List<String> events = new ArrayList<>();

        @Override
        public void onMulticast(NlMsg msg) {
            multicast.add(Messages.value(msg));
        }

        @Override
        public void onOverrun() {
            events.add("overrun");
        }

        @Override
        public void onTruncated(int datagramLength, int received) {
            events.add("truncated " + datagramLength + "/" + received);
        }

        @Override
        public void onMalformed(NetlinkDecoderException e) {
            events.add("malformed: " + e.getMessage());
        }
    }

    private final TrackingAllocator alloc = new TrackingAllocator();
    private final FakeTransport transport = new FakeTransport();
    private final Recorder listener = new Recorder();
    private NetlinkClient client = new NetlinkClient(transport, listener, alloc, NetlinkClient.DEFAULT_BUFFER_SIZE,
            1000);

    /** Replaces the client with one of another buffer size or timeout (closing the first). */
    private void client(int bufferSize, int timeoutMillis) throws IOException {
        client.close();
        client = new NetlinkClient(transport, listener, alloc, bufferSize, timeoutMillis);
    }

    private ByteBuf request(int cmd) {
        return NlMsgBuilder.start(alloc.directBuffer(), 0x1f, 0).genl(cmd, 2).finish();
    }

    @AfterEach
    void closeReleasesTheBufferAndTheTransport() throws IOException {
        client.close();
        assertTrue(transport.closed);
        assertEquals(0, transport.pending(), "every scripted datagram was read");
        assertTrue(alloc.allocations() >= 2, "the receive buffer and at least one request");
        alloc.assertAllReleased();
    }

    @Test
    void collectsRepliesUntilTheAckAndStampsTheRequest() throws IOException {
        transport.then(seq -> genl(seq, 7, 100)).then(seq -> genl(seq, 7, 101)).then(Messages::ack);
        ByteBuf req = request(6);
        NetlinkClient.Reply<Integer> reply = client.request("CMD_GET", req, Messages::value);
        assertEquals(List.of(100, 101), reply.messages());
        assertTrue(reply.ack().isAck());
        assertEquals(0, req.refCnt(), "the client released the request");

        byte[] sent = transport.sent.get(0);
        ByteBuf s = io.netty.buffer.Unpooled.wrappedBuffer(sent);
        assertEquals(sent.length, s.getIntLE(NetlinkLayout.NLMSG_LEN_OFFSET));
        assertEquals(NetlinkLayout.NLM_F_REQUEST | NetlinkLayout.NLM_F_ACK,
                s.getUnsignedShortLE(NetlinkLayout.NLMSG_FLAGS_OFFSET));
        assertEquals(1, s.getIntLE(NetlinkLayout.NLMSG_SEQ_OFFSET));
        assertEquals(reply.ack().request().seq(), s.getIntLE(NetlinkLayout.NLMSG_SEQ_OFFSET));

        transport.then(Messages::ack);
        client.request("CMD_SET", request(2), Messages::value);
        assertEquals(2, transport.lastSeq(), "a new sequence number per request");
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class, () -> reply.only());
        assertEquals("2 reply messages (expected: 1)", e.getMessage());
    }

    @Test
    void multicastMessagesMeanwhileGoToTheListenerAndStaleRepliesAreCounted() throws IOException {
        transport.then(genl(0, 5, 1))                          // an alert, before the reply
                .then(seq -> concat(genl(0, 5, 2), genl(seq, 7, 42), genl(seq + 100, 7, 9))) // one datagram
                .then(genl(0, 5, 3))
                .then(Messages::ack);
        NetlinkClient.Reply<Integer> reply = client.request("CMD_GET", request(6), Messages::value);
        assertEquals(42, reply.only());
        assertEquals(List.of(1, 2, 3), listener.multicast);
        assertEquals(1, client.stale());
        assertEquals(List.of(), listener.events);
    }

    @Test
    void aKernelErrorIsRenderedWithItsErrnoAndText() {
        transport.then(seq -> error(seq, Errno.EBUSY, "drop_monitor: Cannot configure drop monitor during monitoring"));
        NetlinkKernelException e = assertThrows(NetlinkKernelException.class,
                () -> client.request("NET_DM_CMD_CONFIG", request(2), Messages::value));
        assertEquals("NET_DM_CMD_CONFIG: kernel said: " + Errno.description(Errno.EBUSY)
                + " (EBUSY): drop_monitor: Cannot configure drop monitor during monitoring", e.getMessage());
        assertEquals(Errno.EBUSY, e.errno());
        assertEquals("EBUSY", e.errnoName());
        assertEquals("drop_monitor: Cannot configure drop monitor during monitoring", e.extackMessage());
    }

    @Test
    void anUnknownFamilyIsFamilyNotFound() {
        transport.then(seq -> withSeq(bytesOf("net_dm-enoent-6.18.bin"), seq));
        GenlFamilyResolver resolver = new GenlFamilyResolver(client, alloc);
        GenlFamilyResolver.FamilyNotFoundException e = assertThrows(GenlFamilyResolver.FamilyNotFoundException.class,
                () -> resolver.resolve("NET_DM"));
        assertEquals("NET_DM", e.family());
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("generic netlink family NET_DM not found: kernel said: No such file or directory (ENOENT)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> resolver.resolve("a-name-longer-than-15"));
        assertThrows(IllegalArgumentException.class, () -> resolver.resolve(""));
    }

    @Test
    void resolvesAFamilyFromTheCapturedReply() throws IOException {
        byte[] captured = bytesOf("nlctrl-getfamily-6.18.bin");
        transport.then(seq -> withSeq(captured, seq)); // reply and ACK in one go
        GenlFamily f = new GenlFamilyResolver(client, alloc).resolve("nlctrl");
        assertEquals("nlctrl", f.name());
        byte[] sent = transport.sent.get(0);
        ByteBuf expected = GenlFamilyResolver.getFamily(ByteBufAllocator.DEFAULT.buffer(), "nlctrl");
        expected.setShortLE(NetlinkLayout.NLMSG_FLAGS_OFFSET, NetlinkLayout.NLM_F_REQUEST | NetlinkLayout.NLM_F_ACK);
        expected.setIntLE(NetlinkLayout.NLMSG_SEQ_OFFSET, 1);
        assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(sent));
        expected.release();
    }

    @Test
    void dumpsEveryFamilyAsNlctrlSendsThem() throws IOException {
        byte[] captured = bytesOf("nlctrl-getfamily-6.18.bin");
        byte[] reply = java.util.Arrays.copyOf(captured, io.netty.buffer.Unpooled.wrappedBuffer(captured).getIntLE(0));
        transport.then(seq -> concat(withSeq(reply, seq), Messages.done(seq, 0)));
        List<GenlFamily> families = new ArrayList<>();
        List<byte[]> raw = new ArrayList<>();
        int n = new GenlFamilyResolver(client, alloc).dumpFamilies(m -> {
            raw.add(ByteBufUtil.getBytes(m.encode(io.netty.buffer.Unpooled.buffer())));
            if (!m.header().isDone()) {
                families.add(GenlFamilyDecoder.decode(m));
            }
        });
        assertEquals(2, n);
        assertEquals("nlctrl", families.get(0).name());
        assertEquals(ByteBufUtil.hexDump(withSeq(reply, 1)), ByteBufUtil.hexDump(raw.get(0)),
                "NlMsg.encode gives back the bytes the kernel sent");
        ByteBuf expected = GenlFamilyResolver.getFamilies(ByteBufAllocator.DEFAULT.buffer());
        expected.setShortLE(NetlinkLayout.NLMSG_FLAGS_OFFSET, NetlinkLayout.NLM_F_REQUEST | NetlinkLayout.NLM_F_DUMP);
        expected.setIntLE(NetlinkLayout.NLMSG_SEQ_OFFSET, 1);
        assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(transport.sent.get(0)));
        expected.release();
    }

    @Test
    void anOverrunIsCountedAndTheRequestGoesOn() throws IOException {
        transport.thenOverrun().then(seq -> genl(seq, 7, 5)).thenOverrun().then(Messages::ack);
        assertEquals(5, client.request("CMD_GET", request(6), Messages::value).only());
        assertEquals(2, client.overruns());
        assertEquals(List.of("overrun", "overrun"), listener.events);
    }

    @Test
    void anAnswerLostToAnOverrunTimesOutAndSaysWhy() throws IOException {
        client(NetlinkClient.DEFAULT_BUFFER_SIZE, 50);
        transport.thenOverrun();
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                () -> client.request("CMD_GET", request(6), Messages::value));
        assertEquals("CMD_GET: no answer to seq 1 within 50 ms; the socket overran 1 time(s) meanwhile, the answer "
                + "may have been lost", e.getMessage());
    }

    @Test
    void aTruncatedReplyFailsDistinctlyAfterTheExchange() throws IOException {
        client(64, 1000);
        byte[] captured = bytesOf("nlctrl-getfamily-6.18.bin");
        int replyLength = io.netty.buffer.Unpooled.wrappedBuffer(captured).getIntLE(0);
        transport.then(seq -> withSeq(java.util.Arrays.copyOf(captured, replyLength), seq))
                .then(genl(0, 5, 8))
                .then(Messages::ack);
        NetlinkClient.TruncatedException e = assertThrows(NetlinkClient.TruncatedException.class,
                () -> client.request("CTRL_CMD_GETFAMILY", request(3), GenlFamilyDecoder::decode));
        assertEquals(replyLength, e.datagramLength());
        assertEquals(64, e.bufferSize());
        assertEquals(1, client.truncated());
        assertEquals(0, client.malformed(), "truncation is not malformation");
        assertEquals(List.of("truncated " + replyLength + "/64"), listener.events);
        assertEquals(List.of(8), listener.multicast, "read on to the ACK");
    }

    @Test
    void aMalformedReplyFailsAfterTheExchange() {
        transport.then(seq -> {
            byte[] bad = genl(seq, 7, 1);
            bad[20] = 40;                                   // the attribute's nla_len: past the end
            return bad;
        }).then(Messages::ack);
        NetlinkDecoderException e = assertThrows(NetlinkDecoderException.class,
                () -> client.request("CMD_GET", request(6), Messages::value));
        assertEquals("nla_len 40 exceeds remaining 8", e.getMessage());
        assertEquals(1, client.malformed());
        assertEquals(List.of("malformed: nla_len 40 exceeds remaining 8"), listener.events);
    }

    @Test
    void receiveHandsMulticastToTheListenerAndSurvivesBadInput() throws IOException {
        transport.then(concat(genl(0, 5, 1), genl(0, 5, 2)))
                .thenSilence()
                .thenOverrun()
                .then(new byte[] {8, 0, 0, 0, 0x1f, 0})            // 6 bytes: not even a header
                .then(genl(0, 99, 3));
        NetlinkListener throwing = new NetlinkListener() {
            @Override
            public void onMulticast(NlMsg msg) {
                if (msg.genlHeader().cmd() == 99) {
                    throw new NetlinkDecoderException("unknown command 99");
                }
                listener.onMulticast(msg);
            }

            @Override
            public void onMalformed(NetlinkDecoderException e) {
                listener.onMalformed(e);
            }

            @Override
            public void onOverrun() {
                listener.onOverrun();
            }
        };
        client.close();
        client = new NetlinkClient(transport, throwing, alloc, 4096, 1000);
        assertEquals(2, client.receive(10));
        assertEquals(0, client.receive(10), "timed out");
        assertEquals(0, client.receive(10), "overrun");
        assertEquals(0, client.receive(10), "malformed");
        assertEquals(1, client.receive(10), "a message whose handler failed still counts as read");
        assertEquals(List.of(1, 2), listener.multicast);
        assertEquals(List.of("overrun", "malformed: incomplete nlmsghdr: 6 bytes (expected: 16+ bytes)",
                "malformed: unknown command 99"), listener.events);
        assertEquals(2, client.malformed());
        assertEquals(1, client.overruns());
    }

    @Test
    void aDumpHandsOverEveryMessageUpToAndIncludingDone() throws IOException {
        transport.then(seq -> concat(genl(seq, 1, 10), genl(seq, 1, 11)))
                .then(genl(0, 5, 1))                               // an alert between the parts
                .then(seq -> concat(genl(seq, 1, 12), Messages.done(seq, 0)));
        List<String> got = new ArrayList<>();
        int n = client.dump("GET dump", request(3), m -> got.add(m.header().isDone() ? "done"
                : String.valueOf(Messages.value(m))));
        assertEquals(4, n);
        assertEquals(List.of("10", "11", "12", "done"), got);
        assertEquals(List.of(1), listener.multicast);
        ByteBuf s = io.netty.buffer.Unpooled.wrappedBuffer(transport.sent.get(0));
        assertEquals(NetlinkLayout.NLM_F_REQUEST | NetlinkLayout.NLM_F_DUMP,
                s.getUnsignedShortLE(NetlinkLayout.NLMSG_FLAGS_OFFSET), "a dump is not acknowledged: no NLM_F_ACK");
        assertEquals(1, s.getIntLE(NetlinkLayout.NLMSG_SEQ_OFFSET));
    }

    @Test
    void aDumpRefusedOrCutShortIsAKernelError() {
        transport.then(seq -> error(seq, Errno.EPERM, "no"))
                .then(seq -> concat(genl(seq, 1, 10), Messages.done(seq, -Errno.EINTR)));
        NetlinkKernelException refused = assertThrows(NetlinkKernelException.class,
                () -> client.dump("GET dump", request(3), m -> { }));
        assertEquals(Errno.EPERM, refused.errno());
        NetlinkKernelException cut = assertThrows(NetlinkKernelException.class,
                () -> client.dump("GET dump", request(3), m -> { }));
        assertEquals(Errno.EINTR, cut.errno());
        assertEquals("GET dump: kernel said: " + Errno.description(Errno.EINTR) + " (EINTR)", cut.getMessage());
    }

    @Test
    void onlySingleDoRequestsAreAccepted() {
        ByteBuf two = request(6);
        NlMsgBuilder.start(two, 0x1f, 0).genl(6, 2).finish();
        assertThrows(IllegalArgumentException.class, () -> client.request("TWO", two, Messages::value));
        assertEquals(0, two.refCnt());
        ByteBuf dump = NlMsgBuilder.start(alloc.buffer(), 0x1f, NetlinkLayout.NLM_F_DUMP)
                .genl(6, 2).finish();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> client.request("DUMP", dump, Messages::value));
        assertEquals("DUMP: a dump request; send it with dump()", e.getMessage());
        assertEquals(0, dump.refCnt());
        assertTrue(transport.sent.isEmpty());
    }

    private static byte[] bytesOf(String fixture) {
        return NetlinkFixtures.bytes(fixture);
    }
}
