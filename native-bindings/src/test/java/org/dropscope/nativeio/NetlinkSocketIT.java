// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_FAMILY_ID;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_FAMILY_NAME;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_MCAST_GROUPS;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_MCAST_GRP_ID;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_MCAST_GRP_NAME;
import static org.dropscope.netlink.NetlinkLayout.CTRL_CMD_GETFAMILY;
import static org.dropscope.netlink.NetlinkLayout.CTRL_CMD_NEWFAMILY;
import static org.dropscope.netlink.NetlinkLayout.GENL_HDRLEN;
import static org.dropscope.netlink.NetlinkLayout.GENL_ID_CTRL;
import static org.dropscope.netlink.NetlinkLayout.NLA_HDRLEN;
import static org.dropscope.netlink.NetlinkLayout.NLMSGERR_ERROR_OFFSET;
import static org.dropscope.netlink.NetlinkLayout.NLMSG_ERROR;
import static org.dropscope.netlink.NetlinkLayout.NLMSG_HDRLEN;
import static org.dropscope.netlink.NetlinkLayout.NLM_F_ACK;
import static org.dropscope.netlink.NetlinkLayout.NLM_F_REQUEST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.dropscope.netlink.NetlinkLayout;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A NETLINK_GENERIC socket asking the generic netlink controller ("nlctrl") about families, with
 * requests built by hand and replies walked by hand (the real decoders live elsewhere).
 */
@Tag("kernel")
class NetlinkSocketIT {

    @Test
    void resolvesTheControllerFamily() throws Exception {
        try (NetlinkSocket socket = NetlinkSocket.open(NetlinkConstants.NETLINK_GENERIC)) {
            socket.bind(0, 0);
            int port = socket.localPortId();
            assertNotEquals(0, port);

            // Sent from the middle of a heap buffer: only position..limit may go out.
            ByteBuffer request = ByteBuffer.allocate(5 + 64).order(ByteOrder.LITTLE_ENDIAN);
            request.put(new byte[] {9, 9, 9, 9, 9});
            getFamily(request, "nlctrl", 42, NLM_F_REQUEST | NLM_F_ACK);
            request.flip().position(5);
            int length = request.remaining();
            assertEquals(length, socket.send(request));
            assertEquals(5, request.position());
            assertEquals(5 + length, request.limit());

            ByteBuffer reply = ByteBuffer.allocateDirect(16384).order(ByteOrder.LITTLE_ENDIAN);
            reply.position(3);
            int n = socket.receive(reply);
            assertEquals(3, reply.position());
            assertEquals(3 + n, reply.limit());
            ByteBuffer msg = reply.slice().order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(n, msg.getInt(NetlinkLayout.NLMSG_LEN_OFFSET));
            assertEquals(GENL_ID_CTRL, msg.getShort(NetlinkLayout.NLMSG_TYPE_OFFSET));
            assertEquals(42, msg.getInt(NetlinkLayout.NLMSG_SEQ_OFFSET));
            assertEquals(port, msg.getInt(NetlinkLayout.NLMSG_PID_OFFSET));
            assertEquals(CTRL_CMD_NEWFAMILY, msg.get(NLMSG_HDRLEN + NetlinkLayout.GENL_CMD_OFFSET));

            Map<Integer, ByteBuffer> attrs = attributes(msg, NLMSG_HDRLEN + GENL_HDRLEN, n);
            assertEquals(GENL_ID_CTRL, attrs.get(CTRL_ATTR_FAMILY_ID).getShort(0));
            assertEquals("nlctrl\0", string(attrs.get(CTRL_ATTR_FAMILY_NAME)));
            assertTrue(multicastGroups(attrs.get(CTRL_ATTR_MCAST_GROUPS)).containsKey("notify"));

            assertEquals(0, ackError(socket, 42), "ACK of the request");
        }
    }

    @Test
    void aTruncatedReceiveReportsTheFullLength() throws Exception {
        try (NetlinkSocket socket = NetlinkSocket.open(NetlinkConstants.NETLINK_GENERIC)) {
            socket.send(getFamily(ByteBuffer.allocate(64), "nlctrl", 7, NLM_F_REQUEST | NLM_F_ACK).flip());
            ByteBuffer small = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
            int n = socket.receive(small);
            assertTrue(n > 20, "reply of " + n + " bytes");
            assertEquals(0, small.position());
            assertEquals(20, small.limit());
            assertEquals(n, small.getInt(NetlinkLayout.NLMSG_LEN_OFFSET), "nlmsg_len in the stored part");
            assertEquals(0, ackError(socket, 7), "the next datagram is the ACK, intact");
        }
    }

    @Test
    void anUnknownFamilyIsAnsweredWithEnoent() throws Exception {
        try (NetlinkSocket socket = NetlinkSocket.open(NetlinkConstants.NETLINK_GENERIC)) {
            socket.send(getFamily(ByteBuffer.allocate(64), "dropscope-none", 3, NLM_F_REQUEST | NLM_F_ACK).flip());
            assertEquals(-Errno.ENOENT, ackError(socket, 3));
        }
    }

    @Test
    void anOverrunIsEnobufsAndTheSocketRecovers() throws Exception {
        try (NetlinkSocket socket = NetlinkSocket.open(NetlinkConstants.NETLINK_GENERIC)) {
            socket.setOption(NetlinkConstants.SOL_SOCKET, NetlinkConstants.SO_RCVBUF, 0); // the kernel minimum
            flood(socket);
            NativeException e = assertThrows(NativeException.class,
                    () -> socket.receive(ByteBuffer.allocateDirect(16384)));
            assertEquals(Errno.ENOBUFS, e.errno());
            assertEquals("recvmsg(2)", e.call());

            Poller poller = new Poller(socket.fd());
            assertEquals(1, poller.poll(1000));
            assertTrue(poller.readable(0), "queued replies survive the overrun");
            ByteBuffer reply = ByteBuffer.allocateDirect(16384).order(ByteOrder.LITTLE_ENDIAN);
            socket.receive(reply);
            assertEquals(GENL_ID_CTRL, reply.getShort(NetlinkLayout.NLMSG_TYPE_OFFSET));
        }
    }

    @Test
    void noEnobufsSuppressesTheOverrunError() throws Exception {
        try (NetlinkSocket socket = NetlinkSocket.open(NetlinkConstants.NETLINK_GENERIC)) {
            socket.setOption(NetlinkConstants.SOL_SOCKET, NetlinkConstants.SO_RCVBUF, 0);
            socket.setOption(NetlinkConstants.SOL_NETLINK, NetlinkConstants.NETLINK_NO_ENOBUFS, 1);
            assertEquals(1, socket.getOption(NetlinkConstants.SOL_NETLINK, NetlinkConstants.NETLINK_NO_ENOBUFS));
            flood(socket);
            ByteBuffer reply = ByteBuffer.allocateDirect(16384).order(ByteOrder.LITTLE_ENDIAN);
            socket.receive(reply);
            assertEquals(GENL_ID_CTRL, reply.getShort(NetlinkLayout.NLMSG_TYPE_OFFSET));
        }
    }

    @Test
    void optionsRoundTripAndTheKernelDoublesBufferSizes() throws Exception {
        try (NetlinkSocket socket = NetlinkSocket.open(NetlinkConstants.NETLINK_GENERIC)) {
            socket.setOption(NetlinkConstants.SOL_SOCKET, NetlinkConstants.SO_RCVBUFFORCE, 1 << 20);
            assertEquals(2 << 20, socket.getOption(NetlinkConstants.SOL_SOCKET, NetlinkConstants.SO_RCVBUF));
            socket.setOption(NetlinkConstants.SOL_NETLINK, NetlinkConstants.NETLINK_EXT_ACK, 1);
            assertEquals(1, socket.getOption(NetlinkConstants.SOL_NETLINK, NetlinkConstants.NETLINK_EXT_ACK));
            NativeException e = assertThrows(NativeException.class,
                    () -> socket.setOption(NetlinkConstants.SOL_NETLINK, 9999, 1));
            assertEquals(Errno.ENOPROTOOPT, e.errno(), e.getMessage());
        }
    }

    @Test
    void joiningAGroupShowsInTheMembershipList() throws Exception {
        try (NetlinkSocket socket = NetlinkSocket.open(NetlinkConstants.NETLINK_GENERIC)) {
            socket.send(getFamily(ByteBuffer.allocate(64), "nlctrl", 1, NLM_F_REQUEST).flip());
            ByteBuffer reply = ByteBuffer.allocateDirect(16384).order(ByteOrder.LITTLE_ENDIAN);
            int n = socket.receive(reply);
            Map<Integer, ByteBuffer> attrs = attributes(reply, NLMSG_HDRLEN + GENL_HDRLEN, n);
            int notify = multicastGroups(attrs.get(CTRL_ATTR_MCAST_GROUPS)).get("notify");
            assertTrue(notify >= 1 && notify <= 32, "nlctrl notify group " + notify);

            int lists = NetlinkConstants.NETLINK_LIST_MEMBERSHIPS;
            assertEquals(0, socket.getOption(NetlinkConstants.SOL_NETLINK, lists));
            socket.joinGroup(notify);
            assertEquals(1 << (notify - 1), socket.getOption(NetlinkConstants.SOL_NETLINK, lists));
        }
    }

    @Test
    void aClosedSocketFailsWithEbadf() throws Exception {
        NetlinkSocket socket = NetlinkSocket.open(NetlinkConstants.NETLINK_GENERIC);
        socket.close();
        socket.close();
        assertEquals(-1, socket.fd());
        ByteBuffer request = getFamily(ByteBuffer.allocate(64), "nlctrl", 1, NLM_F_REQUEST).flip();
        assertEquals(Errno.EBADF, assertThrows(NativeException.class, () -> socket.send(request)).errno());
        assertEquals(Errno.EBADF, assertThrows(NativeException.class,
                () -> socket.receive(ByteBuffer.allocate(64))).errno());
        assertEquals(Errno.EBADF, assertThrows(NativeException.class, socket::localPortId).errno());
        assertThrows(ReadOnlyBufferException.class,
                () -> socket.receive(ByteBuffer.allocateDirect(8).asReadOnlyBuffer()));
    }

    /** Sends GETFAMILY requests until replies no longer fit the receive buffer. */
    private static void flood(NetlinkSocket socket) throws NativeException {
        int rcvbuf = socket.getOption(NetlinkConstants.SOL_SOCKET, NetlinkConstants.SO_RCVBUF);
        ByteBuffer request = getFamily(ByteBuffer.allocate(64), "nlctrl", 1, NLM_F_REQUEST).flip();
        for (int i = 0; i < 4 * rcvbuf / NLMSG_HDRLEN; i++) {
            socket.send(request);
        }
    }

    /**
     * Appends a CTRL_CMD_GETFAMILY request for {@code family}: nlmsghdr, genlmsghdr, one
     * CTRL_ATTR_FAMILY_NAME attribute.
     */
    static ByteBuffer getFamily(ByteBuffer out, String family, int seq, int flags) {
        out.order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = (family + '\0').getBytes(StandardCharsets.US_ASCII);
        int attrLen = NLA_HDRLEN + name.length;
        int total = NLMSG_HDRLEN + GENL_HDRLEN + NetlinkLayout.nlaAlign(attrLen);
        int start = out.position();
        out.putInt(total);                         // nlmsg_len
        out.putShort((short) GENL_ID_CTRL);        // nlmsg_type: the nlctrl family
        out.putShort((short) flags);               // nlmsg_flags
        out.putInt(seq);                           // nlmsg_seq
        out.putInt(0);                             // nlmsg_pid: let the kernel fill it in
        out.put((byte) CTRL_CMD_GETFAMILY);        // genl cmd
        out.put((byte) 1);                         // genl version
        out.putShort((short) 0);                   // genl reserved
        out.putShort((short) attrLen);             // nla_len
        out.putShort((short) CTRL_ATTR_FAMILY_NAME); // nla_type
        out.put(name);                             // NUL-terminated name, then padding
        out.position(start + total);
        return out;
    }

    /** Receives the next datagram, which must be an NLMSG_ERROR for {@code seq}; returns its error. */
    private static int ackError(NetlinkSocket socket, int seq) throws NativeException {
        ByteBuffer ack = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        socket.receive(ack);
        assertEquals(NLMSG_ERROR, ack.getShort(NetlinkLayout.NLMSG_TYPE_OFFSET));
        assertEquals(seq, ack.getInt(NetlinkLayout.NLMSG_SEQ_OFFSET));
        return ack.getInt(NLMSG_HDRLEN + NLMSGERR_ERROR_OFFSET);
    }

    /** The attributes between {@code from} and {@code to}, by type, each as a payload slice. */
    private static Map<Integer, ByteBuffer> attributes(ByteBuffer msg, int from, int to) {
        Map<Integer, ByteBuffer> attrs = new HashMap<>();
        int at = from;
        while (at + NLA_HDRLEN <= to) {
            int len = Short.toUnsignedInt(msg.getShort(at + NetlinkLayout.NLA_LEN_OFFSET));
            int type = NetlinkLayout.nlaType(msg.getShort(at + NetlinkLayout.NLA_TYPE_OFFSET));
            assertTrue(len >= NLA_HDRLEN && at + len <= to, "nla_len " + len + " at " + at);
            attrs.put(type, msg.slice(at + NLA_HDRLEN, len - NLA_HDRLEN).order(ByteOrder.LITTLE_ENDIAN));
            at += NetlinkLayout.nlaAlign(len);
        }
        return attrs;
    }

    /** CTRL_ATTR_MCAST_GROUPS: nested groups, each with a name and an id. */
    private static Map<String, Integer> multicastGroups(ByteBuffer nested) {
        Map<String, Integer> groups = new HashMap<>();
        for (ByteBuffer group : attributes(nested, 0, nested.limit()).values()) {
            Map<Integer, ByteBuffer> g = attributes(group, 0, group.limit());
            String name = string(g.get(CTRL_ATTR_MCAST_GRP_NAME));
            groups.put(name.substring(0, name.length() - 1), g.get(CTRL_ATTR_MCAST_GRP_ID).getInt(0));
        }
        assertFalse(groups.isEmpty());
        return groups;
    }

    private static String string(ByteBuffer payload) {
        byte[] b = new byte[payload.remaining()];
        payload.duplicate().get(b);
        return new String(b, StandardCharsets.US_ASCII);
    }
}
