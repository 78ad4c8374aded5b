// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.IntFunction;
import org.dropscope.nativeio.Errno;
import org.dropscope.nativeio.NativeException;

/**
 * A {@link NetlinkTransport} that replays a script: datagrams (built for the sequence number of
 * the last request sent), overruns, and silence. Records what is sent and joined.
 */
public final class FakeTransport implements NetlinkTransport {

    /** One scripted receive. */
    private sealed interface Step permits Datagram, Overrun, Silence {
    }

    private record Datagram(IntFunction<byte[]> bytes) implements Step {
    }

    private record Overrun() implements Step {
    }

    private record Silence() implements Step {
    }

    private final Deque<Step> script = new ArrayDeque<>();
    public final List<byte[]> sent = new ArrayList<>();
    final List<Integer> joined = new ArrayList<>();
    boolean closed;

    /** Then a datagram, made from the sequence number of the last request sent (0 if none). */
    public FakeTransport then(IntFunction<byte[]> datagram) {
        script.add(new Datagram(datagram));
        return this;
    }

    /** Then a fixed datagram. */
    public FakeTransport then(byte[] datagram) {
        return then(seq -> datagram);
    }

    /** Then ENOBUFS, as recvmsg(2) reports a receive queue overflow. */
    public FakeTransport thenOverrun() {
        script.add(new Overrun());
        return this;
    }

    /** Then one receive that times out. */
    public FakeTransport thenSilence() {
        script.add(new Silence());
        return this;
    }

    /** Scripted steps not yet received. */
    public int pending() {
        return script.size();
    }

    /** The nlmsg_seq of the last request sent. */
    public int lastSeq() {
        return sent.isEmpty() ? 0 : Messages.seq(sent.get(sent.size() - 1));
    }

    @Override
    public void send(ByteBuf msg) {
        sent.add(ByteBufUtil.getBytes(msg));
    }

    @Override
    public int receive(ByteBuf dst, int timeoutMillis) throws NativeException {
        Step step = script.poll();
        if (step == null || step instanceof Silence) {
            pause(timeoutMillis);
            return TIMED_OUT;
        }
        if (step instanceof Overrun) {
            throw new NativeException("recvmsg(2)", Errno.ENOBUFS);
        }
        byte[] bytes = ((Datagram) step).bytes().apply(lastSeq());
        dst.writeBytes(bytes, 0, Math.min(bytes.length, dst.writableBytes()));
        return bytes.length;
    }

    private static void pause(int timeoutMillis) {
        try {
            Thread.sleep(timeoutMillis < 0 ? 5 : Math.min(timeoutMillis, 5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void joinGroup(int group) {
        joined.add(group);
    }

    @Override
    public void close() {
        closed = true;
    }
}
