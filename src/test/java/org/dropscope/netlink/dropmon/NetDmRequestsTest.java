// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import static org.dropscope.netlink.NetlinkFixtures.assertDrained;
import static org.dropscope.netlink.NetlinkFixtures.buffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.dropscope.nativeio.Errno;
import org.dropscope.netlink.FakeTransport;
import org.dropscope.netlink.GenlFamily;
import org.dropscope.netlink.Messages;
import org.dropscope.netlink.NetlinkClient;
import org.dropscope.netlink.NetlinkKernelException;
import org.dropscope.netlink.NetlinkLayout;
import org.dropscope.netlink.NetlinkListener;
import org.dropscope.netlink.TrackingAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NetDmRequestsTest {

    /** NET_DM as a 5.4+ kernel might describe it; the id and group id are made up. */
    private static final GenlFamily NET_DM = new GenlFamily(0x1f, "NET_DM", 2, 0, 23,
            Map.of(2, 0x0b, 3, 0x0b, 4, 0x0b, 6, 0x0a, 8, 0x0a), Map.of("events", 0x1b));

    private final TrackingAllocator alloc = new TrackingAllocator();
    private final NetDmRequests requests = new NetDmRequests(NET_DM, alloc);

    @AfterEach
    void everyRequestBufferWasReleased() {
        alloc.assertAllReleased();
    }

    /** The nlmsghdr and genlmsghdr every request starts with. */
    private static ByteBuf headers(int length, int cmd) {
        ByteBuf buf = buffer();
        buf.writeIntLE(length);      // nlmsg_len
        buf.writeShortLE(0x1f);      // nlmsg_type: the family id resolved at run time
        buf.writeShortLE(0);         // nlmsg_flags: NetlinkClient adds REQUEST | ACK
        buf.writeIntLE(0);           // nlmsg_seq: NetlinkClient stamps it
        buf.writeIntLE(0);           // nlmsg_pid: the kernel's to fill in
        buf.writeByte(cmd);          // genl cmd
        buf.writeByte(2);            // genl version: the family's
        buf.writeShortLE(0);         // reserved
        return buf;
    }

    private static void assertSameBytes(ByteBuf expected, ByteBuf actual) {
        assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(actual));
        expected.skipBytes(expected.readableBytes());
        actual.skipBytes(actual.readableBytes());
        assertDrained(expected);
        assertDrained(actual);
    }

    @Test
    void startWithoutFlagsSendsNoFlag() {
        assertSameBytes(headers(20, 3), requests.start(false, false));
    }

    @Test
    void startAndStopWithFlags() {
        ByteBuf both = headers(28, 3);
        both.writeShortLE(4);        // nla_len: a flag
        both.writeShortLE(20);       // NET_DM_ATTR_SW_DROPS
        both.writeShortLE(4);        // nla_len
        both.writeShortLE(21);       // NET_DM_ATTR_HW_DROPS
        assertSameBytes(both, requests.start(true, true));

        ByteBuf hwOnly = headers(24, 4);
        hwOnly.writeShortLE(4);      // nla_len
        hwOnly.writeShortLE(21);     // NET_DM_ATTR_HW_DROPS
        assertSameBytes(hwOnly, requests.stop(false, true));
    }

    @Test
    void configWritesOnlyWhatIsGiven() {
        ByteBuf expected = headers(36, 2);
        expected.writeShortLE(5);    // nla_len
        expected.writeShortLE(1);    // NET_DM_ATTR_ALERT_MODE
        expected.writeByte(1);       // NET_DM_ALERT_MODE_PACKET
        expected.writeZero(3);       // padding
        expected.writeShortLE(8);    // nla_len
        expected.writeShortLE(9);    // NET_DM_ATTR_TRUNC_LEN
        expected.writeIntLE(-1);     // 0xffffffff, the largest u32
        assertSameBytes(expected, requests.config(NetDmConstants.NET_DM_ALERT_MODE_PACKET, 0xffff_ffffL, null));

        ByteBuf queueOnly = headers(28, 2);
        queueOnly.writeShortLE(8);   // nla_len
        queueOnly.writeShortLE(11);  // NET_DM_ATTR_QUEUE_LEN
        queueOnly.writeIntLE(1000);
        assertSameBytes(queueOnly, requests.config(null, null, 1000L));

        int before = alloc.allocations();
        assertThrows(IllegalArgumentException.class, () -> requests.config(256, null, null));
        assertThrows(IllegalArgumentException.class, () -> requests.config(null, -1L, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> requests.config(1, 0L, 1L << 32));
        assertEquals("queueLength 4294967296 (expected: 0 to 4294967295)", e.getMessage());
        assertEquals(before, alloc.allocations(), "arguments are checked before a buffer is taken");
    }

    @Test
    void getRequestsHaveNoAttributes() {
        assertSameBytes(headers(20, 6), requests.configGet());
        assertSameBytes(headers(20, 8), requests.statsGet());
    }

    @Test
    void controlRunsTheRequestsThroughTheClient() throws IOException {
        ByteBuf configNew = buffer();
        NetDmFixtures.configNew(configNew, new HashMap<>());
        byte[] configBytes = ByteBufUtil.getBytes(configNew);
        configNew.skipBytes(configNew.readableBytes());
        assertDrained(configNew);

        FakeTransport transport = new FakeTransport()
                .then(seq -> Messages.withSeq(configBytes, seq)).then(Messages::ack)
                .then(Messages::ack)
                .then(seq -> Messages.error(seq, Errno.EBUSY,
                        "drop_monitor: Cannot configure drop monitor during monitoring"));
        try (NetlinkClient client = new NetlinkClient(transport, NetlinkListener.NONE, alloc,
                NetlinkClient.DEFAULT_BUFFER_SIZE, 1000)) {
            NetDmControl control = new NetDmControl(client, NET_DM, alloc);
            NetDmMessage.Config config = control.config();
            assertTrue(config.isPacketMode());
            assertEquals(128, config.truncLength());

            control.start(true, false);
            byte[] start = transport.sent.get(1);
            assertEquals(3, start[NetlinkLayout.NLMSG_HDRLEN], "NET_DM_CMD_START");
            assertEquals(20, start[22], "with NET_DM_ATTR_SW_DROPS only");

            NetlinkKernelException e = assertThrows(NetlinkKernelException.class,
                    () -> control.configure(NetDmConstants.NET_DM_ALERT_MODE_SUMMARY, null, null));
            assertEquals(Errno.EBUSY, e.errno());
            assertEquals("NET_DM_CMD_CONFIG: kernel said: " + Errno.description(Errno.EBUSY)
                    + " (EBUSY): drop_monitor: Cannot configure drop monitor during monitoring", e.getMessage());
            assertEquals(0, transport.pending());
        }
    }
}
