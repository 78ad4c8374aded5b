// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dropscope.netlink.FakeTransport;
import org.dropscope.netlink.Messages;
import org.dropscope.netlink.NetlinkFixtures;
import org.dropscope.netlink.NetlinkLayout;
import org.dropscope.netlink.NetlinkTransport;
import org.dropscope.source.netdm.NetDmSockets;

/**
 * A kernel with NET_DM for {@code dropscope dump}, made of messages Debian's 6.1 kernel sent
 * (src/test/resources/fixtures/netlink/netdm-6.1-*.bin): a control socket that answers each
 * request the dump makes, in the order it makes them, and an alert socket that replays alerts.
 * Once the alerts have all been read, the dump is interrupted as Ctrl-C would.
 */
final class FakeNetDm implements NetDmSockets {
    /** The packet alert whose packet NET_DM cut to 64 bytes (dropwatch's {@code set trunc 64}). */
    static final String TRUNCATED = "netdm-6.1-packet-alert-truncated.bin";
    /** A packet alert with the whole packet. */
    static final String WHOLE = "netdm-6.1-packet-alert-whole.bin";
    /** A summary alert (drops per location). */
    static final String SUMMARY = "netdm-6.1-alert-summary.bin";
    /** NET_DM's family id in the boot the fixtures come from (netdm-6.1-ctrl-getfamily-reply.md). */
    static final int FAMILY_ID = 0x20;

    final FakeTransport control = new FakeTransport();
    final FakeAlerts alerts = new FakeAlerts();
    /** The kernel messages of the family dump, as the kernel sent them, seq 0 (see {@link #families}). */
    final List<byte[]> familyDump = new ArrayList<>();

    static byte[] fixture(String name) {
        return NetlinkFixtures.bytes(name);
    }

    /** The first message of a fixture file (some hold a reply and its ACK). */
    static byte[] firstMessage(String name) {
        byte[] all = fixture(name);
        return Arrays.copyOf(all, Unpooled.wrappedBuffer(all).getIntLE(NetlinkLayout.NLMSG_LEN_OFFSET));
    }

    /** A reply message as the kernel sends it in a dump: NLM_F_MULTI, the dump's seq. */
    static byte[] inDump(byte[] message, int seq) {
        byte[] m = Messages.withSeq(message, seq);
        ByteBuf b = Unpooled.wrappedBuffer(m);
        b.setShortLE(NetlinkLayout.NLMSG_FLAGS_OFFSET, NetlinkLayout.NLM_F_MULTI);
        return m;
    }

    private static byte[] join(byte[]... parts) {
        ByteBuf b = Unpooled.wrappedBuffer(parts);
        return ByteBufUtil.getBytes(b);
    }

    /** Answers the family lookup with NET_DM's family as Debian's 6.1 described it. */
    FakeNetDm resolves() {
        control.then(seq -> join(Messages.withSeq(fixture("netdm-6.1-ctrl-getfamily-reply.bin"), seq),
                Messages.ack(seq)));
        return this;
    }

    /** Answers the family lookup with ENOENT, as a kernel without drop_monitor does. */
    FakeNetDm hasNoNetDm() {
        control.then(seq -> Messages.withSeq(fixture("net_dm-enoent-6.18.bin"), seq));
        return this;
    }

    /** Answers the family dump: nlctrl and NET_DM in one datagram, then NLMSG_DONE in another. */
    FakeNetDm families() {
        control.then(seq -> {
            byte[] nlctrl = inDump(firstMessage("nlctrl-getfamily-6.18.bin"), seq);
            byte[] netdm = inDump(fixture("netdm-6.1-ctrl-getfamily-reply.bin"), seq);
            familyDump.clear();
            familyDump.add(nlctrl);
            familyDump.add(netdm);
            return join(nlctrl, netdm);
        }).then(seq -> {
            byte[] done = Messages.done(seq, 0);
            familyDump.add(done);
            return done;
        });
        return this;
    }

    /** Answers STATS_GET with the captured counters. */
    FakeNetDm stats() {
        control.then(seq -> join(Messages.withSeq(fixture("netdm-6.1-stats-new.bin"), seq), Messages.ack(seq)));
        return this;
    }

    /** Answers CONFIG_GET with the captured configuration. */
    FakeNetDm config() {
        control.then(seq -> join(Messages.withSeq(fixture("netdm-6.1-config-new.bin"), seq), Messages.ack(seq)));
        return this;
    }

    /** Acknowledges the next {@code n} requests (CONFIG, START, STOP). */
    FakeNetDm acks(int n) {
        for (int i = 0; i < n; i++) {
            control.then(Messages::ack);
        }
        return this;
    }

    /** Refuses the next request with {@code errno}. */
    FakeNetDm refuses(int errno) {
        control.then(seq -> Messages.error(seq, errno, "refused"));
        return this;
    }

    /** Everything an active dump asks, every answer the kernel's usual one. */
    FakeNetDm wholeDump() {
        return resolves().families().stats().config().acks(3).stats().acks(1);
    }

    /** The NET_DM commands (genl cmd) of the requests sent, in order; nlctrl's as "ctrl:CMD". */
    List<String> requests() {
        List<String> cmds = new ArrayList<>();
        for (byte[] r : control.sent) {
            ByteBuf b = Unpooled.wrappedBuffer(r);
            int type = b.getUnsignedShortLE(NetlinkLayout.NLMSG_TYPE_OFFSET);
            int flags = b.getUnsignedShortLE(NetlinkLayout.NLMSG_FLAGS_OFFSET);
            int cmd = b.getUnsignedByte(NetlinkLayout.NLMSG_HDRLEN);
            cmds.add((type == NetlinkLayout.GENL_ID_CTRL ? "ctrl:" : "") + cmd
                    + ((flags & NetlinkLayout.NLM_F_DUMP) == NetlinkLayout.NLM_F_DUMP ? ":dump" : ""));
        }
        return cmds;
    }

    @Override
    public NetlinkTransport openControl() {
        return control;
    }

    @Override
    public AlertTransport openAlerts(int receiveBuffer) {
        alerts.receiveBuffer = receiveBuffer;
        return alerts;
    }

    /** The alert socket: scripted datagrams, the kernel's drop count, and Ctrl-C when all are read. */
    static final class FakeAlerts implements AlertTransport {
        final FakeTransport script = new FakeTransport();
        final List<Integer> joined = new ArrayList<>();
        int receiveBuffer;
        long drops;
        boolean closed;
        Runnable whenRead;

        @Override
        public void send(ByteBuf msg) {
            script.send(msg);
        }

        @Override
        public int receive(ByteBuf dst, int timeoutMillis) throws IOException {
            if (script.pending() == 0 && whenRead != null) {
                Runnable r = whenRead;
                whenRead = null;
                r.run();
            }
            return script.receive(dst, timeoutMillis);
        }

        @Override
        public void joinGroup(int group) {
            joined.add(group);
        }

        @Override
        public long socketDrops() {
            return drops;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** What one run of {@code dropscope dump} left, and the bytes it wrote to standard output. */
    record Run(CommandRun.Result result, byte[] stdout) {
        int exit() {
            return result.exit();
        }

        String out() {
            return result.out();
        }

        String err() {
            return result.err();
        }

        List<String> errLines() {
            return result.errLines();
        }
    }

    /**
     * Runs {@code dropscope dump ARGS} against this kernel, with the process's signal handling left
     * alone; Ctrl-C comes once every scripted alert has been read.
     */
    Run run(String... args) {
        return run(null, args);
    }

    /** {@link #run(String...)} with standard output (for {@code -w -}) going to {@code stdout}. */
    Run run(OutputStream stdout, String... args) {
        DumpCommand cmd = new DumpCommand();
        cmd.sockets = this;
        cmd.handleSignals = false;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        cmd.stdout = stdout != null ? stdout : captured;
        alerts.whenRead = cmd::interrupt;
        return new Run(CommandRun.of(cmd).run(args), captured.toByteArray());
    }

    /** An output stream that fails with {@code message} once {@code limit} bytes have been written. */
    static OutputStream failingAfter(int limit, String message) {
        return new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (written + len > limit) {
                    throw new IOException(message);
                }
                written += len;
            }
        };
    }
}
