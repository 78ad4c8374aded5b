// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import static org.dropscope.netlink.dropmon.NetDmConstants.NET_DM_ALERT_MSG_ENTRIES_OFFSET;
import static org.dropscope.netlink.dropmon.NetDmConstants.NET_DM_ALERT_MSG_SIZE;
import static org.dropscope.netlink.dropmon.NetDmConstants.NET_DM_DROP_POINT_COUNT_OFFSET;
import static org.dropscope.netlink.dropmon.NetDmConstants.NET_DM_DROP_POINT_PC_OFFSET;
import static org.dropscope.netlink.dropmon.NetDmConstants.NET_DM_DROP_POINT_SIZE;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.dropscope.netlink.NetlinkDecoderException;
import org.dropscope.netlink.NlAttr;
import org.dropscope.netlink.NlAttrs;
import org.dropscope.netlink.NlMsg;
import org.dropscope.netlink.NlPolicy;

/**
 * Decodes NET_DM_CMD_ALERT, the summary alert, into a {@link NetDmSummaryAlert}
 * (include/uapi/linux/net_dropmon.h, net/core/drop_monitor.c):
 * <pre>
 *   nlattr type 0 (NET_DM_ATTR_UNSPEC)      struct net_dm_alert_msg:
 *     __u32 entries
 *     struct net_dm_drop_point[entries]:  __u8 pc[8] (host order), __u32 count   12 bytes each
 *   nlattr NET_DM_ATTR_HW_ENTRIES (nested)  hardware summaries only (entries is then 0):
 *     nlattr NET_DM_ATTR_HW_ENTRY (nested) { NET_DM_ATTR_HW_TRAP_NAME string,
 *                                            NET_DM_ATTR_HW_TRAP_COUNT u32 }  per trap
 * </pre>
 * The struct is the payload of an attribute of type 0, which a generic reader must not skip. The
 * kernel grows that attribute by 12 bytes per new drop point after writing it. On a 32-bit kernel
 * only the low 4 bytes of {@code pc} are written, the rest stays zero, which reads the same.
 */
public final class NetDmSummaryAlertDecoder {

    private static final NlPolicy<HwBuilder> HW_ENTRY = NlPolicy.<HwBuilder>builder("NET_DM_ATTR_HW_ENTRY")
            .string(NetDmAttr.NET_DM_ATTR_HW_TRAP_NAME.intValue(), "NET_DM_ATTR_HW_TRAP_NAME", (b, s) -> b.name = s)
            .u32(NetDmAttr.NET_DM_ATTR_HW_TRAP_COUNT.intValue(), "NET_DM_ATTR_HW_TRAP_COUNT",
                    (b, v) -> b.count = Integer.toUnsignedLong(v))
            .build();

    private static final NlPolicy<Builder> ALERT = NlPolicy.<Builder>builder("NET_DM_CMD_ALERT")
            .binary(NetDmAttr.NET_DM_ATTR_UNSPEC.intValue(), "net_dm_alert_msg", NET_DM_ALERT_MSG_SIZE,
                    NetDmSummaryAlertDecoder::alertMsg)
            .nested(NetDmAttr.NET_DM_ATTR_HW_ENTRIES.intValue(), "NET_DM_ATTR_HW_ENTRIES",
                    NetDmSummaryAlertDecoder::hwEntries)
            .build();

    private NetDmSummaryAlertDecoder() {
    }

    /**
     * Decodes a framed NET_DM_CMD_ALERT message.
     *
     * @throws NetlinkDecoderException if its command is another, or it is malformed
     */
    public static NetDmSummaryAlert decode(NlMsg msg) {
        msg.genlHeader().requireCommand(NetDmCmd.NET_DM_CMD_ALERT.intValue(), "NET_DM_CMD_ALERT");
        return decodeAttributes(msg.genlAttributes(0));
    }

    /**
     * Decodes the attributes of a NET_DM_CMD_ALERT message.
     *
     * @throws NetlinkDecoderException if the net_dm_alert_msg attribute is missing or shorter
     *     than its entries, or an attribute is malformed
     */
    public static NetDmSummaryAlert decodeAttributes(NlAttrs attrs) {
        Builder b = new Builder();
        ALERT.parse(attrs, b);
        if (b.points == null) {
            throw new NetlinkDecoderException("NET_DM_CMD_ALERT without its net_dm_alert_msg (attribute type 0)");
        }
        return new NetDmSummaryAlert(b.points, b.hwEntries, b.hardware);
    }

    private static void alertMsg(Builder b, NlAttr attr) {
        ByteBuf p = attr.payload();
        int base = p.readerIndex();
        long entries = p.getUnsignedIntLE(base + NET_DM_ALERT_MSG_ENTRIES_OFFSET);
        long needed = NET_DM_ALERT_MSG_SIZE + entries * NET_DM_DROP_POINT_SIZE;
        if (needed > attr.length()) {
            throw new NetlinkDecoderException("net_dm_alert_msg: " + attr.length() + " bytes for " + entries
                    + " entries (expected: " + needed + "+ bytes)");
        }
        List<NetDmSummaryAlert.DropPoint> points = new ArrayList<>((int) entries);
        for (int i = 0; i < entries; i++) {
            int at = base + NET_DM_ALERT_MSG_SIZE + i * NET_DM_DROP_POINT_SIZE;
            long pc = p.getLongLE(at + NET_DM_DROP_POINT_PC_OFFSET);
            long count = p.getUnsignedIntLE(at + NET_DM_DROP_POINT_COUNT_OFFSET);
            points.add(new NetDmSummaryAlert.DropPoint(pc, count));
        }
        b.points = points;
    }

    private static void hwEntries(Builder b, NlAttrs entries) {
        b.hardware = true;
        for (NlAttr entry = entries.next(); entry != null; entry = entries.next()) {
            if (entry.type() != NetDmAttr.NET_DM_ATTR_HW_ENTRY.intValue()) {
                continue;
            }
            HwBuilder hw = new HwBuilder();
            HW_ENTRY.parse(entries.nested(entry), hw);
            if (hw.name == null || hw.count < 0) {
                throw new NetlinkDecoderException("NET_DM_ATTR_HW_ENTRY without "
                        + (hw.name == null ? "NET_DM_ATTR_HW_TRAP_NAME" : "NET_DM_ATTR_HW_TRAP_COUNT"));
            }
            b.hwEntries.add(new NetDmSummaryAlert.HwEntry(hw.name, hw.count));
        }
    }

    private static final class Builder {
        List<NetDmSummaryAlert.DropPoint> points;
        final List<NetDmSummaryAlert.HwEntry> hwEntries = new ArrayList<>();
        boolean hardware;
    }

    private static final class HwBuilder {
        String name;
        long count = -1;
    }
}
