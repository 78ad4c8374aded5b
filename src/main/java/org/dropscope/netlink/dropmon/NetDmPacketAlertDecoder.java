// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_FLOW_ACTION_COOKIE;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_HW_TRAP_GROUP_NAME;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_HW_TRAP_NAME;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_IN_PORT;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_ORIGIN;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_ORIG_LEN;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_PAD;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_PAYLOAD;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_PC;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_PROTO;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_REASON;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_SYMBOL;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_TIMESTAMP;
import static org.dropscope.netlink.dropmon.NetDmConstants.NET_DM_ATTR_PORT_NETDEV_IFINDEX;
import static org.dropscope.netlink.dropmon.NetDmConstants.NET_DM_ATTR_PORT_NETDEV_NAME;

import java.nio.ByteBuffer;
import org.dropscope.netlink.NetlinkDecoderException;
import org.dropscope.netlink.NlAttr;
import org.dropscope.netlink.NlAttrs;
import org.dropscope.netlink.NlMsg;
import org.dropscope.netlink.NlPolicy;

/**
 * Decodes NET_DM_CMD_PACKET_ALERT into a {@link NetDmPacketAlert} (include/uapi/linux/
 * net_dropmon.h; net/core/drop_monitor.c, net_dm_packet_report_fill and
 * net_dm_hw_packet_report_fill), with one declarative table per attribute set.
 *
 * <p>Every attribute is optional and unknown ones are skipped. NET_DM_ATTR_PAD, an empty attribute
 * the kernel puts before a u64 on architectures without efficient unaligned access
 * (nla_put_u64_64bit), is read past. Inside NET_DM_ATTR_IN_PORT the ifindex has attribute type 0.
 */
public final class NetDmPacketAlertDecoder {

    private static final NlPolicy<Builder> IN_PORT = NlPolicy.<Builder>builder("NET_DM_ATTR_IN_PORT")
            .u32(NET_DM_ATTR_PORT_NETDEV_IFINDEX, "NET_DM_ATTR_PORT_NETDEV_IFINDEX", (b, v) -> b.ifindex = v)
            .string(NET_DM_ATTR_PORT_NETDEV_NAME, "NET_DM_ATTR_PORT_NETDEV_NAME", (b, s) -> b.ifname = s)
            .build();

    private static final NlPolicy<Builder> PACKET_ALERT = NlPolicy.<Builder>builder("NET_DM_CMD_PACKET_ALERT")
            .u16(NET_DM_ATTR_ORIGIN.intValue(), NET_DM_ATTR_ORIGIN.name(), (b, v) -> b.origin = v)
            .u64(NET_DM_ATTR_PC.intValue(), NET_DM_ATTR_PC.name(), (b, v) -> b.pc = v)
            .string(NET_DM_ATTR_SYMBOL.intValue(), NET_DM_ATTR_SYMBOL.name(), (b, s) -> b.symbol = s)
            .string(NET_DM_ATTR_REASON.intValue(), NET_DM_ATTR_REASON.name(), (b, s) -> b.reason = s)
            .nested(NET_DM_ATTR_IN_PORT.intValue(), NET_DM_ATTR_IN_PORT.name(), IN_PORT)
            .u64(NET_DM_ATTR_TIMESTAMP.intValue(), NET_DM_ATTR_TIMESTAMP.name(), (b, v) -> b.timestamp = timestamp(v))
            .u16(NET_DM_ATTR_PROTO.intValue(), NET_DM_ATTR_PROTO.name(), (b, v) -> b.protocol = v)
            .binary(NET_DM_ATTR_PAYLOAD.intValue(), NET_DM_ATTR_PAYLOAD.name(), 0, (b, a) -> b.payload = view(a))
            .u32(NET_DM_ATTR_ORIG_LEN.intValue(), NET_DM_ATTR_ORIG_LEN.name(),
                    (b, v) -> b.originalLength = Integer.toUnsignedLong(v))
            .string(NET_DM_ATTR_HW_TRAP_GROUP_NAME.intValue(), NET_DM_ATTR_HW_TRAP_GROUP_NAME.name(),
                    (b, s) -> b.hwTrapGroupName = s)
            .string(NET_DM_ATTR_HW_TRAP_NAME.intValue(), NET_DM_ATTR_HW_TRAP_NAME.name(), (b, s) -> b.hwTrapName = s)
            .binary(NET_DM_ATTR_FLOW_ACTION_COOKIE.intValue(), NET_DM_ATTR_FLOW_ACTION_COOKIE.name(), 0,
                    (b, a) -> b.cookie = view(a))
            .ignored(NET_DM_ATTR_PAD.intValue(), NET_DM_ATTR_PAD.name())
            .build();

    private NetDmPacketAlertDecoder() {
    }

    /**
     * Decodes a framed NET_DM_CMD_PACKET_ALERT message.
     *
     * @throws NetlinkDecoderException if its command is another, or it is malformed
     */
    public static NetDmPacketAlert decode(NlMsg msg) {
        msg.genlHeader().requireCommand(NetDmCmd.NET_DM_CMD_PACKET_ALERT.intValue(), "NET_DM_CMD_PACKET_ALERT");
        return decodeAttributes(msg.genlAttributes(0));
    }

    /** Decodes the attributes of a NET_DM_CMD_PACKET_ALERT message. */
    public static NetDmPacketAlert decodeAttributes(NlAttrs attrs) {
        Builder b = new Builder();
        PACKET_ALERT.parse(attrs, b);
        return new NetDmPacketAlert(b.origin, b.pc, b.symbol, b.reason, b.ifindex, b.ifname, b.timestamp,
                b.protocol, b.payload, b.originalLength, b.hwTrapGroupName, b.hwTrapName, b.cookie);
    }

    /** The attribute table, for tools that name attributes (and for tests). */
    public static NlPolicy<?> policy() {
        return PACKET_ALERT;
    }

    /**
     * NET_DM_ATTR_TIMESTAMP, checked: the kernel puts {@code ktime_to_ns(skb->tstamp)}, a signed
     * {@code ktime_t} of the wall clock, into the u64 (net_dm_packet_report_fill), so a value of
     * 2^63 or more is no time it sent; it is refused, not read as 1969 or 2554.
     */
    private static long timestamp(long nanos) {
        if (nanos < 0) {
            throw new NetlinkDecoderException(NET_DM_ATTR_TIMESTAMP.name() + " " + Long.toUnsignedString(nanos)
                    + " ns is past 2^63 - 1 (2262-04-11), the last time the kernel's ktime_t holds");
        }
        return nanos;
    }

    /** A view of the payload, valid during decoding; the record copies it. */
    private static ByteBuffer view(NlAttr a) {
        return a.payload().nioBuffer(a.payload().readerIndex(), a.length());
    }

    private static final class Builder {
        int origin;
        long pc;
        String symbol;
        String reason;
        int ifindex;
        String ifname;
        long timestamp;
        int protocol;
        ByteBuffer payload;
        long originalLength;
        String hwTrapGroupName;
        String hwTrapName;
        ByteBuffer cookie;
    }
}
