// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * NET_DM messages written by hand from include/uapi/linux/net_dropmon.h and the order in which
 * net/core/drop_monitor.c puts attributes, one commented field per line, as an x86_64 kernel
 * sends them (no NET_DM_ATTR_PAD) unless a method says otherwise. Hardware messages cannot be
 * produced without a devlink device that traps packets, so these are the only way to test them.
 *
 * <p>Each method appends one message to {@code buf} and records where interesting fields are in
 * {@code at}, so tests read expected values from the fixture's bytes. The family id is whatever
 * the kernel assigned at boot; 0x1f here.
 */
final class NetDmFixtures {

    static final int FAMILY = 0x1f;

    private NetDmFixtures() {
    }

    /** nlmsghdr and genlmsghdr of a multicast NET_DM message; returns the start offset. */
    private static int headers(ByteBuf buf, int length, int cmd) {
        int start = buf.writerIndex();
        buf.writeIntLE(length);      // nlmsg_len
        buf.writeShortLE(FAMILY);    // nlmsg_type: the NET_DM family id
        buf.writeShortLE(0);         // nlmsg_flags
        buf.writeIntLE(0);           // nlmsg_seq: 0, a multicast message
        buf.writeIntLE(0);           // nlmsg_pid: 0, from the kernel
        buf.writeByte(cmd);          // genl cmd
        buf.writeByte(2);            // genl version: NET_DM's
        buf.writeShortLE(0);         // reserved
        return start;
    }

    /** Checks a hand-computed nlmsg_len against what was written. */
    private static void end(ByteBuf buf, int start) {
        assertEquals(buf.getIntLE(start), buf.writerIndex() - start, "fixture's nlmsg_len");
    }

    private static void ascii(ByteBuf buf, String s) {
        buf.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** A software drop in packet mode, 6.x kernel: origin, PC, reason, symbol, port, payload. */
    static void softwarePacketAlert(ByteBuf buf, Map<String, Integer> at) {
        int start = headers(buf, 152, 5); // 16 + 4 + 8 + 12 + 16 + 32 + 12 + 12 + 8 + 8 + 24
        buf.writeShortLE(6);         // nla_len
        buf.writeShortLE(14);        // NET_DM_ATTR_ORIGIN
        at.put("origin", buf.writerIndex());
        buf.writeShortLE(0);         // NET_DM_ORIGIN_SW
        buf.writeZero(2);            // padding
        buf.writeShortLE(12);        // nla_len
        buf.writeShortLE(2);         // NET_DM_ATTR_PC
        at.put("pc", buf.writerIndex());
        buf.writeLongLE(0xffffffff82046f4cL); // the drop location
        buf.writeShortLE(14);        // nla_len: 4 + "NO_SOCKET" + NUL
        buf.writeShortLE(23);        // NET_DM_ATTR_REASON
        at.put("reason", buf.writerIndex());
        ascii(buf, "NO_SOCKET");
        buf.writeByte(0);            // NUL
        buf.writeZero(2);            // padding
        buf.writeShortLE(31);        // nla_len: 4 + 26 characters + NUL
        buf.writeShortLE(3);         // NET_DM_ATTR_SYMBOL
        at.put("symbol", buf.writerIndex());
        ascii(buf, "__udp4_lib_rcv+0x4bc/0xa60");
        buf.writeByte(0);            // NUL
        buf.writeZero(1);            // padding
        buf.writeShortLE(12);        // nla_len: the nest
        buf.writeShortLE(0x8000 | 4); // NET_DM_ATTR_IN_PORT, NLA_F_NESTED (nla_nest_start)
        buf.writeShortLE(8);         //   nla_len
        buf.writeShortLE(0);         //   NET_DM_ATTR_PORT_NETDEV_IFINDEX: type 0
        at.put("ifindex", buf.writerIndex());
        buf.writeIntLE(1);           //   ifindex of lo
        buf.writeShortLE(12);        // nla_len
        buf.writeShortLE(5);         // NET_DM_ATTR_TIMESTAMP
        at.put("timestamp", buf.writerIndex());
        buf.writeLongLE(1_795_312_345_123_456_789L); // ns since the epoch
        buf.writeShortLE(8);         // nla_len
        buf.writeShortLE(10);        // NET_DM_ATTR_ORIG_LEN
        at.put("origLen", buf.writerIndex());
        buf.writeIntLE(60);          // skb->len
        buf.writeShortLE(6);         // nla_len
        buf.writeShortLE(6);         // NET_DM_ATTR_PROTO
        at.put("proto", buf.writerIndex());
        buf.writeShortLE(0x0800);    // ETH_P_IP, host order
        buf.writeZero(2);            // padding
        buf.writeShortLE(22);        // nla_len: 4 + 18
        buf.writeShortLE(7);         // NET_DM_ATTR_PAYLOAD
        at.put("payload", buf.writerIndex());
        buf.writeZero(6);            // destination MAC
        buf.writeZero(6);            // source MAC
        buf.writeShort(0x0800);      // Ethertype, network order as on the wire
        buf.writeInt(0x45000020);    // the first IPv4 header word: trunc_len 18 cut it here
        buf.writeZero(2);            // padding
        at.put("payloadLen", 18);
        end(buf, start);
    }

    /**
     * A hardware drop in packet mode (devlink trap): origin, trap group and name, input port with
     * a name, a flow action cookie, no payload (and so no protocol).
     */
    static void hardwarePacketAlert(ByteBuf buf, Map<String, Integer> at) {
        int start = headers(buf, 120, 5); // 16 + 4 + 8 + 16 + 24 + 24 + 8 + 12 + 8
        buf.writeShortLE(6);         // nla_len
        buf.writeShortLE(14);        // NET_DM_ATTR_ORIGIN
        at.put("origin", buf.writerIndex());
        buf.writeShortLE(1);         // NET_DM_ORIGIN_HW
        buf.writeZero(2);            // padding
        buf.writeShortLE(13);        // nla_len: 4 + "l2_drops" + NUL
        buf.writeShortLE(15);        // NET_DM_ATTR_HW_TRAP_GROUP_NAME
        at.put("group", buf.writerIndex());
        ascii(buf, "l2_drops");
        buf.writeByte(0);            // NUL
        buf.writeZero(3);            // padding
        buf.writeShortLE(24);        // nla_len: 4 + "ingress_vlan_filter" + NUL
        buf.writeShortLE(16);        // NET_DM_ATTR_HW_TRAP_NAME
        at.put("trap", buf.writerIndex());
        ascii(buf, "ingress_vlan_filter");
        buf.writeByte(0);            // NUL
        buf.writeShortLE(24);        // nla_len: the nest
        buf.writeShortLE(0x8000 | 4); // NET_DM_ATTR_IN_PORT, NLA_F_NESTED
        buf.writeShortLE(8);         //   nla_len
        buf.writeShortLE(0);         //   NET_DM_ATTR_PORT_NETDEV_IFINDEX: type 0
        at.put("ifindex", buf.writerIndex());
        buf.writeIntLE(17);          //   ifindex
        buf.writeShortLE(9);         //   nla_len: 4 + "swp1" + NUL
        buf.writeShortLE(1);         //   NET_DM_ATTR_PORT_NETDEV_NAME
        at.put("ifname", buf.writerIndex());
        ascii(buf, "swp1");
        buf.writeByte(0);            //   NUL
        buf.writeZero(3);            //   padding
        buf.writeShortLE(8);         // nla_len: 4 + a 4-byte cookie
        buf.writeShortLE(22);        // NET_DM_ATTR_FLOW_ACTION_COOKIE
        at.put("cookie", buf.writerIndex());
        buf.writeInt(0xc0ffee01);    // the cookie bytes tc gave the action
        at.put("cookieLen", 4);
        buf.writeShortLE(12);        // nla_len
        buf.writeShortLE(5);         // NET_DM_ATTR_TIMESTAMP
        at.put("timestamp", buf.writerIndex());
        buf.writeLongLE(1_795_312_345_000_000_001L);
        buf.writeShortLE(8);         // nla_len
        buf.writeShortLE(10);        // NET_DM_ATTR_ORIG_LEN
        at.put("origLen", buf.writerIndex());
        buf.writeIntLE(1514);        // skb->len
        end(buf, start);
    }

    /**
     * A software packet alert as a kernel without efficient unaligned access lays it out
     * (nla_put_u64_64bit): before a u64 whose header would start on an 8-byte boundary, so that
     * its payload would not, an empty NET_DM_ATTR_PAD. Offsets below are from the message start,
     * which the kernel allocates 8-byte aligned.
     */
    static void paddedPacketAlert(ByteBuf buf, Map<String, Integer> at) {
        int start = headers(buf, 96, 5); // 16 + 4 + 8 + 12 + 20 + 12 + 4 + 12 + 8
        buf.writeShortLE(6);         // nla_len                           at 20
        buf.writeShortLE(14);        // NET_DM_ATTR_ORIGIN
        buf.writeShortLE(0);         // NET_DM_ORIGIN_SW
        buf.writeZero(2);            // padding
        buf.writeShortLE(12);        // nla_len                           at 28: payload at 32, no pad
        buf.writeShortLE(2);         // NET_DM_ATTR_PC
        at.put("pc", buf.writerIndex());
        buf.writeLongLE(0xffff800008a1b2c4L); // an arm64 kernel address
        buf.writeShortLE(18);        // nla_len: 4 + "NOT_SPECIFIED" + NUL   at 40
        buf.writeShortLE(23);        // NET_DM_ATTR_REASON
        ascii(buf, "NOT_SPECIFIED");
        buf.writeByte(0);            // NUL
        buf.writeZero(2);            // padding
        buf.writeShortLE(12);        // nla_len                           at 60
        buf.writeShortLE(0x8000 | 4); // NET_DM_ATTR_IN_PORT
        buf.writeShortLE(8);         //   nla_len
        buf.writeShortLE(0);         //   NET_DM_ATTR_PORT_NETDEV_IFINDEX
        buf.writeIntLE(2);           //   ifindex
        buf.writeShortLE(4);         // nla_len: empty                    at 72: aligned, so...
        buf.writeShortLE(8);         // NET_DM_ATTR_PAD                   ...a pad first
        buf.writeShortLE(12);        // nla_len                           at 76: payload at 80
        buf.writeShortLE(5);         // NET_DM_ATTR_TIMESTAMP
        at.put("timestamp", buf.writerIndex());
        buf.writeLongLE(1_795_312_345_123_456_789L);
        buf.writeShortLE(8);         // nla_len                           at 88
        buf.writeShortLE(10);        // NET_DM_ATTR_ORIG_LEN
        at.put("origLen", buf.writerIndex());
        buf.writeIntLE(42);
        end(buf, start);
    }

    /** A software summary: three drop points, one of them the PC-0 "rx_dropped rose" point. */
    static void softwareSummary(ByteBuf buf, Map<String, Integer> at) {
        int start = headers(buf, 64, 1); // 16 + 4 + 4 + 4 + 3 * 12
        buf.writeShortLE(44);        // nla_len: 4 + 4 + 3 * 12
        buf.writeShortLE(0);         // NLA_UNSPEC: the legacy struct's attribute is type 0
        at.put("entries", buf.writerIndex());
        buf.writeIntLE(3);           // net_dm_alert_msg.entries
        at.put("point0", buf.writerIndex());
        buf.writeLongLE(0xffffffff82046f4cL); // points[0].pc, host order
        buf.writeIntLE(1000);        // points[0].count
        at.put("point1", buf.writerIndex());
        buf.writeLongLE(0);          // points[1].pc: 0, a device's rx_dropped rose
        buf.writeIntLE(2);           // points[1].count
        at.put("point2", buf.writerIndex());
        buf.writeLongLE(0xffffffff81f3e010L); // points[2].pc
        buf.writeIntLE(0xffffffff);  // points[2].count: the largest u32
        end(buf, start);
    }

    /** A hardware summary: an empty legacy struct, then HW_ENTRIES with two traps. */
    static void hardwareSummary(ByteBuf buf, Map<String, Integer> at) {
        int start = headers(buf, 100, 1); // 16 + 4 + 8 + 72
        buf.writeShortLE(8);         // nla_len: 4 + 4
        buf.writeShortLE(0);         // NLA_UNSPEC
        buf.writeIntLE(0);           // net_dm_alert_msg.entries: 0, kept "not to break user space"
        buf.writeShortLE(72);        // nla_len: 4 + 36 + 32
        buf.writeShortLE(0x8000 | 17); // NET_DM_ATTR_HW_ENTRIES, NLA_F_NESTED
        buf.writeShortLE(36);        //   nla_len: 4 + 24 + 8
        buf.writeShortLE(0x8000 | 18); //   NET_DM_ATTR_HW_ENTRY, NLA_F_NESTED
        buf.writeShortLE(24);        //     nla_len: 4 + "ingress_vlan_filter" + NUL
        buf.writeShortLE(16);        //     NET_DM_ATTR_HW_TRAP_NAME
        at.put("trap0", buf.writerIndex());
        ascii(buf, "ingress_vlan_filter");
        buf.writeByte(0);            //     NUL
        buf.writeShortLE(8);         //     nla_len
        buf.writeShortLE(19);        //     NET_DM_ATTR_HW_TRAP_COUNT
        at.put("count0", buf.writerIndex());
        buf.writeIntLE(5);           //     count
        buf.writeShortLE(32);        //   nla_len: 4 + 20 + 8
        buf.writeShortLE(0x8000 | 18); //   NET_DM_ATTR_HW_ENTRY
        buf.writeShortLE(20);        //     nla_len: 4 + "blackhole_route" + NUL
        buf.writeShortLE(16);        //     NET_DM_ATTR_HW_TRAP_NAME
        at.put("trap1", buf.writerIndex());
        ascii(buf, "blackhole_route");
        buf.writeByte(0);            //     NUL
        buf.writeShortLE(8);         //     nla_len
        buf.writeShortLE(19);        //     NET_DM_ATTR_HW_TRAP_COUNT
        at.put("count1", buf.writerIndex());
        buf.writeIntLE(3);           //     count
        end(buf, start);
    }

    /** NET_DM_CMD_CONFIG_NEW, the reply to CONFIG_GET (seq and pid left 0 here). */
    static void configNew(ByteBuf buf, Map<String, Integer> at) {
        int start = headers(buf, 44, 7); // 16 + 4 + 8 + 8 + 8
        buf.writeShortLE(5);         // nla_len
        buf.writeShortLE(1);         // NET_DM_ATTR_ALERT_MODE
        at.put("mode", buf.writerIndex());
        buf.writeByte(1);            // NET_DM_ALERT_MODE_PACKET
        buf.writeZero(3);            // padding
        buf.writeShortLE(8);         // nla_len
        buf.writeShortLE(9);         // NET_DM_ATTR_TRUNC_LEN
        at.put("trunc", buf.writerIndex());
        buf.writeIntLE(128);
        buf.writeShortLE(8);         // nla_len
        buf.writeShortLE(11);        // NET_DM_ATTR_QUEUE_LEN
        at.put("queue", buf.writerIndex());
        buf.writeIntLE(1000);
        end(buf, start);
    }

    /**
     * NET_DM_CMD_STATS_NEW; the HW_STATS counter comes after a NET_DM_ATTR_PAD, as a kernel that
     * aligns 64-bit values would put it.
     */
    static void statsNew(ByteBuf buf, Map<String, Integer> at) {
        int start = headers(buf, 56, 9); // 16 + 4 + 16 + 20
        buf.writeShortLE(16);        // nla_len: 4 + 12
        buf.writeShortLE(0x8000 | 12); // NET_DM_ATTR_STATS, NLA_F_NESTED
        buf.writeShortLE(12);        //   nla_len
        buf.writeShortLE(0);         //   NET_DM_ATTR_STATS_DROPPED: type 0
        at.put("dropped", buf.writerIndex());
        buf.writeLongLE(0x1_0000_0007L); // more than 2^32 tail drops
        buf.writeShortLE(20);        // nla_len: 4 + 4 + 12
        buf.writeShortLE(0x8000 | 13); // NET_DM_ATTR_HW_STATS, NLA_F_NESTED
        buf.writeShortLE(4);         //   nla_len
        buf.writeShortLE(8);         //   NET_DM_ATTR_PAD
        buf.writeShortLE(12);        //   nla_len
        buf.writeShortLE(0);         //   NET_DM_ATTR_STATS_DROPPED
        at.put("hwDropped", buf.writerIndex());
        buf.writeLongLE(0);
        end(buf, start);
    }
}
