// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkLayout.NLMSG_HDRLEN;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.dropscope.nativeio.Errno;
import org.dropscope.nativeio.NativeException;

/**
 * Request and response over a {@link NetlinkTransport} (netlink(7)): sends one request with
 * NLM_F_REQUEST | NLM_F_ACK and a fresh sequence number, then reads datagrams until the kernel's
 * NLMSG_ERROR for that sequence number (an ACK, or an error), collecting the unicast replies that
 * come before it. {@link #dump} does the same for a dump request (NLM_F_DUMP), whose answer is a
 * series of NLM_F_MULTI messages ended by NLMSG_DONE.
 *
 * <p>What else arrives meanwhile is not dropped: multicast messages (nlmsg_seq 0) go to the
 * {@link NetlinkListener}, as do overruns (ENOBUFS: the kernel lost messages for this socket),
 * truncated datagrams (MSG_TRUNC) and malformed messages, each also counted here. Messages with
 * another non-zero sequence number (late answers to a request that timed out) are counted as
 * stale and dropped. {@link #receive(int)} reads multicast traffic without a request.
 *
 * <p>An overrun can cost the answer to a request too, which then times out (see
 * {@link #request}). Requests are best sent on a socket that joined no multicast group, so that
 * a flood of alerts cannot push the answer out.
 *
 * <p><b>Buffers.</b> The client owns one receive buffer, reused for every datagram and released
 * by {@link #close()}; messages handed out are valid only during the call they are handed to.
 * A request buffer passed to {@link #request} is released by the client.
 *
 * <p>The client reads datagrams, sorts their messages and counts what goes wrong; what belongs
 * to one request, and how its answer ends, is a {@link NetlinkExchange}'s.
 *
 * <p>Not thread-safe: one thread at a time.
 */
public final class NetlinkClient implements Closeable {

    /**
     * Big enough for any NET_DM message: a packet alert carries up to 0xffff - 8 payload bytes
     * (NET_DM_MAX_PACKET_SIZE in net/core/drop_monitor.c) plus its metadata.
     */
    public static final int DEFAULT_BUFFER_SIZE = 128 * 1024;
    /** Long enough for the controller to load a family's module on first lookup. */
    public static final int DEFAULT_TIMEOUT_MILLIS = 10_000;

    /** Decodes one unicast reply; it must copy what it keeps. */
    @FunctionalInterface
    public interface ReplyDecoder<T> {
        T decode(NlMsg msg);
    }

    /**
     * The answer to one request.
     *
     * @param messages the decoded unicast replies, in arrival order
     * @param ack the kernel's ACK (error 0); may carry an extended-ACK warning text
     */
    public record Reply<T>(List<T> messages, NlMsgErr ack) {
        public Reply {
            messages = List.copyOf(messages);
        }

        /**
         * The one reply message.
         *
         * @throws NetlinkDecoderException if there were none or several
         */
        public T only() {
            if (messages.size() != 1) {
                throw new NetlinkDecoderException(messages.size() + " reply messages (expected: 1)");
            }
            return messages.get(0);
        }
    }

    private final NetlinkTransport transport;
    private final NetlinkListener listener;
    private final ByteBuf buffer;
    private final int timeoutMillis;
    private int lastSeq;
    private long overruns;
    private long truncated;
    private long malformed;
    private long stale;

    /** A client with the default buffer size and timeout, on the default allocator. */
    public NetlinkClient(NetlinkTransport transport, NetlinkListener listener) {
        this(transport, listener, ByteBufAllocator.DEFAULT, DEFAULT_BUFFER_SIZE, DEFAULT_TIMEOUT_MILLIS);
    }

    /**
     * @param bufferSize the receive buffer: datagrams longer than this are truncated
     * @param timeoutMillis how long {@link #request} waits for the kernel's answer
     */
    public NetlinkClient(NetlinkTransport transport, NetlinkListener listener, ByteBufAllocator alloc,
            int bufferSize, int timeoutMillis) {
        if (bufferSize < NLMSG_HDRLEN || timeoutMillis < 0) {
            throw new IllegalArgumentException("bufferSize " + bufferSize + ", timeoutMillis " + timeoutMillis);
        }
        this.transport = transport;
        this.listener = listener;
        this.buffer = alloc.directBuffer(bufferSize, bufferSize);
        this.timeoutMillis = timeoutMillis;
    }

    /** The transport, for joining groups or socket options. */
    public NetlinkTransport transport() {
        return transport;
    }

    /**
     * Sends {@code request} (one message, as {@link NlMsgBuilder} writes it) and reads the
     * kernel's answer. The client sets nlmsg_seq and adds NLM_F_REQUEST | NLM_F_ACK; it releases
     * {@code request} whatever happens.
     *
     * @param name what is asked, for error messages ({@code "NET_DM_CMD_START"})
     * @param decoder decodes each unicast reply message
     * @throws NetlinkKernelException if the kernel answered with an error
     * @throws SocketTimeoutException if no answer came within the timeout (after an overrun the
     *     answer may have been lost; the message says so)
     * @throws TruncatedException if a reply did not fit the receive buffer
     * @throws NetlinkDecoderException if a reply or the answer was malformed; the exchange was
     *     read to its end first
     * @throws IllegalArgumentException if {@code request} is not one message, or is a dump
     *     request (see {@link #dump})
     */
    public <T> Reply<T> request(String name, ByteBuf request, ReplyDecoder<T> decoder) throws IOException {
        List<T> replies = new ArrayList<>();
        NlMsgErr ack = exchange(name, request, false, msg -> replies.add(decoder.decode(msg)));
        return new Reply<>(replies, ack);
    }

    /**
     * Sends the dump request {@code request} (one message, as {@link NlMsgBuilder} writes it) and
     * hands every message of the kernel's answer to {@code each}, in order, the NLMSG_DONE that
     * ends it included. The client sets nlmsg_seq and NLM_F_REQUEST | NLM_F_DUMP; it releases
     * {@code request} whatever happens. A dump is not acknowledged: NLMSG_DONE is its end.
     *
     * @param name what is asked, for error messages ({@code "CTRL_CMD_GETFAMILY dump"})
     * @param each gets each message, valid only during the call (see {@link NlMsg}); a
     *     {@link NetlinkDecoderException} it throws is counted as malformed and fails the dump
     *     after its end
     * @return the number of messages handed over
     * @throws NetlinkKernelException if the kernel refused the dump, or ended it with an error
     *     in NLMSG_DONE
     * @throws SocketTimeoutException if the dump did not end within the timeout
     */
    public int dump(String name, ByteBuf request, Consumer<NlMsg> each) throws IOException {
        int[] count = {0};
        exchange(name, request, true, msg -> {
            count[0]++;
            each.accept(msg);
        });
        return count[0];
    }

    /**
     * Sends one request and reads its answer: for a "do", up to the NLMSG_ERROR (an ACK or an
     * error); for a dump, up to NLMSG_DONE. Returns the ACK, or null for a dump.
     */
    private NlMsgErr exchange(String name, ByteBuf request, boolean dump, Consumer<NlMsg> replies)
            throws IOException {
        NetlinkExchange ex;
        try {
            ex = NetlinkExchange.stamp(name, request, dump, this::nextSeq, replies, e -> malformed(e, null));
            transport.send(request);
        } finally {
            request.release();
        }
        long overrunsBefore = overruns;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!ex.done()) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                long lost = overruns - overrunsBefore;
                throw new SocketTimeoutException(name + ": no answer to seq " + Integer.toUnsignedString(ex.seq)
                        + " within " + timeoutMillis + " ms" + (lost == 0 ? ""
                        : "; the socket overran " + lost + " time(s) meanwhile, the answer may have been lost"));
            }
            readDatagram((int) left, ex);
        }
        return ex.result();
    }

    /**
     * Reads one datagram, if one comes within {@code timeoutMillis}, and hands its messages to
     * the listener: the way to wait for multicast messages.
     *
     * @param timeoutMillis how long to wait; negative waits forever
     * @return the number of messages handed over: 0 after a timeout or an overrun; for a
     *     truncated or malformed datagram, the complete messages before the damage
     */
    public int receive(int timeoutMillis) throws IOException {
        return readDatagram(timeoutMillis, null);
    }

    private int readDatagram(int timeout, NetlinkExchange ex) throws IOException {
        buffer.clear();
        int length;
        try {
            length = transport.receive(buffer, timeout);
        } catch (NativeException e) {
            if (e.errno() != Errno.ENOBUFS) {
                throw e;
            }
            overruns++;
            listener.onOverrun();
            return 0;
        }
        if (length == NetlinkTransport.TIMED_OUT) {
            return 0;
        }
        int received = buffer.readableBytes();
        boolean cut = length > received;
        if (cut) {
            truncated++;
            if (ex != null) {
                ex.truncated(buffer, length);
            }
            listener.onTruncated(length, received);
        }
        int[] count = {0};
        try {
            NlMsgDecoder.forEach(buffer, msg -> {
                count[0]++;
                dispatch(msg, ex);
            });
        } catch (NetlinkDecoderException e) {
            if (!cut) {
                malformed(e, ex);
            }
        }
        return count[0];
    }

    private void dispatch(NlMsg msg, NetlinkExchange ex) {
        if (ex != null && msg.seq() == ex.seq) {
            ex.accept(msg);
        } else if (msg.seq() == 0) {
            try {
                listener.onMulticast(msg);
            } catch (NetlinkDecoderException e) {
                malformed(e, null);
            }
        } else {
            stale++;
        }
    }

    /** Counts and reports {@code e}; it fails {@code ex}, the exchange in flight, if there is one. */
    private void malformed(NetlinkDecoderException e, NetlinkExchange ex) {
        malformed++;
        listener.onMalformed(e);
        if (ex != null) {
            ex.fail(e);
        }
    }

    private int nextSeq() {
        lastSeq++;
        if (lastSeq == 0) {
            lastSeq = 1; // 0 is what multicast messages carry
        }
        return lastSeq;
    }

    /** Times the socket overran (ENOBUFS): messages were lost, how many the kernel does not say. */
    public long overruns() {
        return overruns;
    }

    /** Datagrams longer than the receive buffer. */
    public long truncated() {
        return truncated;
    }

    /** Malformed datagrams and messages, replies and multicast alike. */
    public long malformed() {
        return malformed;
    }

    /** Messages for an earlier request, dropped. */
    public long stale() {
        return stale;
    }

    /** Releases the receive buffer and closes the transport. */
    @Override
    public void close() throws IOException {
        try {
            if (buffer.refCnt() > 0) {
                buffer.release();
            }
        } finally {
            transport.close();
        }
    }

    /**
     * A reply to a request was longer than the client's receive buffer, so its end was lost
     * (recvmsg(2) MSG_TRUNC). Distinct from a malformed message: the bytes were fine, the buffer was
     * too small. The exchange was still read to its ACK, so the socket stays in step.
     */
    public static final class TruncatedException extends IOException {
        private static final long serialVersionUID = 1L;

        private final int datagramLength;
        private final int bufferSize;

        public TruncatedException(int seq, int datagramLength, int bufferSize) {
            super("reply to seq " + Integer.toUnsignedString(seq) + " truncated: datagram of " + datagramLength
                    + " bytes, receive buffer of " + bufferSize);
            this.datagramLength = datagramLength;
            this.bufferSize = bufferSize;
        }

        /** The datagram's full length. */
        public int datagramLength() {
            return datagramLength;
        }

        /** The receive buffer's size: the bytes that were kept. */
        public int bufferSize() {
            return bufferSize;
        }
    }
}
