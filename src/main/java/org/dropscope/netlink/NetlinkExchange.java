// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkLayout.NLMSG_HDRLEN;
import static org.dropscope.netlink.NetlinkLayout.NLM_F_ACK;
import static org.dropscope.netlink.NetlinkLayout.NLM_F_DUMP;
import static org.dropscope.netlink.NetlinkLayout.NLM_F_REQUEST;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * One request in flight on a {@link NetlinkClient}: how it is stamped (nlmsg_seq, NLM_F_REQUEST
 * and NLM_F_ACK, or NLM_F_DUMP), which messages belong to its answer (those with its sequence
 * number), what ends that answer (the kernel's NLMSG_ERROR, an ACK or an error; NLMSG_DONE for a
 * dump) and what the caller gets at the end: the ACK, or the first thing that went wrong.
 *
 * <p>The client reads the datagrams and hands this exchange the messages with its sequence
 * number; a failure met on the way is kept, not thrown, so that the answer is still read to its
 * end and the socket stays in step for the next request.
 */
final class NetlinkExchange {
    final int seq;
    private final String name;
    private final boolean dump;
    private final Consumer<NlMsg> replies;
    /** Counts and reports a malformed message: the client's part. */
    private final Consumer<NetlinkDecoderException> malformed;
    /** The message that ends the answer has arrived (NLMSG_ERROR; NLMSG_DONE for a dump). */
    private boolean done;
    private NlMsgErr answer;
    private Exception failure;

    private NetlinkExchange(int seq, String name, boolean dump, Consumer<NlMsg> replies,
            Consumer<NetlinkDecoderException> malformed) {
        this.seq = seq;
        this.name = name;
        this.dump = dump;
        this.replies = replies;
        this.malformed = malformed;
    }

    /**
     * Checks that {@code request} is one message, and not a dump request sent as a "do", then
     * sets its flags and a sequence number from {@code nextSeq}. Does not release {@code request}.
     *
     * @throws IllegalArgumentException if it is not (no sequence number is taken then)
     */
    static NetlinkExchange stamp(String name, ByteBuf request, boolean dump, IntSupplier nextSeq,
            Consumer<NlMsg> replies, Consumer<NetlinkDecoderException> malformed) {
        int start = request.readerIndex();
        if (request.readableBytes() < NLMSG_HDRLEN || request.getUnsignedIntLE(start) != request.readableBytes()) {
            throw new IllegalArgumentException(name + ": not exactly one netlink message ("
                    + request.readableBytes() + " bytes)");
        }
        int flags = request.getUnsignedShortLE(start + NetlinkLayout.NLMSG_FLAGS_OFFSET);
        if (!dump && (flags & NLM_F_DUMP) != 0) {
            throw new IllegalArgumentException(name + ": a dump request; send it with dump()");
        }
        request.setShortLE(start + NetlinkLayout.NLMSG_FLAGS_OFFSET,
                flags | NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK));
        int seq = nextSeq.getAsInt();
        request.setIntLE(start + NetlinkLayout.NLMSG_SEQ_OFFSET, seq);
        return new NetlinkExchange(seq, name, dump, replies, malformed);
    }

    /** Whether the message that ends the answer has arrived. */
    boolean done() {
        return done;
    }

    /** One message of the answer: a reply, or the message that ends it. */
    void accept(NlMsg msg) {
        if (msg.header().isError()) {
            done = true;
            try {
                answer = NlMsgErrDecoder.decode(msg);
            } catch (NetlinkDecoderException e) {
                malformed(e);
            }
        } else if (dump && msg.header().isDone()) {
            done = true;
            // NLMSG_DONE carries an int: 0, or the -errno that ended the dump early.
            ByteBuf p = msg.payload();
            int error = p.readableBytes() >= Integer.BYTES ? p.getIntLE(p.readerIndex()) : 0;
            if (error < 0) {
                answer = new NlMsgErr(error, msg.header());
            } else {
                deliver(msg);
            }
        } else if (msg.type() >= NetlinkLayout.NLMSG_MIN_TYPE) {
            deliver(msg);
        }
    }

    private void deliver(NlMsg msg) {
        try {
            replies.accept(msg);
        } catch (NetlinkDecoderException e) {
            malformed(e);
        }
    }

    /** A malformed message of the answer: the client counts it, and it fails the exchange. */
    private void malformed(NetlinkDecoderException e) {
        malformed.accept(e);
        fail(e);
    }

    /**
     * A datagram longer than the receive buffer ({@code buffer} holds its start): if it belongs to
     * this exchange, the answer lost its end, and the exchange fails with a
     * {@link NetlinkClient.TruncatedException}; if it was the message that ends the answer, the
     * answer has ended all the same.
     */
    void truncated(ByteBuf buffer, int datagramLength) {
        if (buffer.readableBytes() < NLMSG_HDRLEN || buffer.getIntLE(NetlinkLayout.NLMSG_SEQ_OFFSET) != seq) {
            return;
        }
        fail(new NetlinkClient.TruncatedException(seq, datagramLength, buffer.capacity()));
        int type = buffer.getUnsignedShortLE(NetlinkLayout.NLMSG_TYPE_OFFSET);
        done |= type == NetlinkLayout.NLMSG_ERROR || dump && type == NetlinkLayout.NLMSG_DONE;
    }

    /** Keeps the first failure; the answer is still read to its end. */
    void fail(Exception e) {
        if (failure == null) {
            failure = e;
        }
    }

    /**
     * The end of the exchange, once {@link #done()}: the kernel's ACK (null for a dump), or what
     * went wrong, the kernel's error first.
     */
    NlMsgErr result() throws IOException {
        if (answer != null && !answer.isAck()) {
            throw new NetlinkKernelException(name, answer);
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure != null) {
            throw (RuntimeException) failure;
        }
        return answer;
    }
}
