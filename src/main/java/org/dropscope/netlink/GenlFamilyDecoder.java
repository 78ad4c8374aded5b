// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_FAMILY_ID;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_FAMILY_NAME;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_HDRSIZE;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_MAXATTR;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_MCAST_GROUPS;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_MCAST_GRP_ID;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_MCAST_GRP_NAME;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_OPS;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_OP_FLAGS;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_OP_ID;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_VERSION;
import static org.dropscope.netlink.NetlinkLayout.CTRL_CMD_NEWFAMILY;
import static org.dropscope.netlink.NetlinkLayout.GENL_ID_CTRL;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes a CTRL_CMD_NEWFAMILY message of the generic netlink controller into a
 * {@link GenlFamily} (include/uapi/linux/genetlink.h; net/netlink/genetlink.c, ctrl_fill_info).
 *
 * <p>The layout: genlmsghdr (cmd CTRL_CMD_NEWFAMILY), then FAMILY_NAME, FAMILY_ID (u16), VERSION,
 * HDRSIZE, MAXATTR (u32 each), an OPS nest of per-command nests {OP_ID, OP_FLAGS}, and an
 * MCAST_GROUPS nest of per-group nests {MCAST_GRP_ID, MCAST_GRP_NAME}. The outer nests' types
 * are array indexes (1, 2, ...), and nlctrl does not set NLA_F_NESTED on any of them.
 * Attributes newer than these (policies) are skipped.
 */
public final class GenlFamilyDecoder {

    private static final NlPolicy<Group> GROUP = NlPolicy.<Group>builder("CTRL_ATTR_MCAST_GROUPS entry")
            .u32(CTRL_ATTR_MCAST_GRP_ID, "CTRL_ATTR_MCAST_GRP_ID", (g, v) -> g.id = v)
            .string(CTRL_ATTR_MCAST_GRP_NAME, "CTRL_ATTR_MCAST_GRP_NAME", (g, s) -> g.name = s)
            .build();

    private static final NlPolicy<Op> OP = NlPolicy.<Op>builder("CTRL_ATTR_OPS entry")
            .u32(CTRL_ATTR_OP_ID, "CTRL_ATTR_OP_ID", (o, v) -> o.id = v)
            .u32(CTRL_ATTR_OP_FLAGS, "CTRL_ATTR_OP_FLAGS", (o, v) -> o.flags = v)
            .build();

    private static final NlPolicy<Builder> FAMILY = NlPolicy.<Builder>builder("CTRL_CMD_NEWFAMILY")
            .u16(CTRL_ATTR_FAMILY_ID, "CTRL_ATTR_FAMILY_ID", (b, v) -> b.id = v)
            .string(CTRL_ATTR_FAMILY_NAME, "CTRL_ATTR_FAMILY_NAME", (b, s) -> b.name = s)
            .u32(CTRL_ATTR_VERSION, "CTRL_ATTR_VERSION", (b, v) -> b.version = v)
            .u32(CTRL_ATTR_HDRSIZE, "CTRL_ATTR_HDRSIZE", (b, v) -> b.hdrSize = v)
            .u32(CTRL_ATTR_MAXATTR, "CTRL_ATTR_MAXATTR", (b, v) -> b.maxAttr = v)
            .nested(CTRL_ATTR_OPS, "CTRL_ATTR_OPS", GenlFamilyDecoder::operations)
            .nested(CTRL_ATTR_MCAST_GROUPS, "CTRL_ATTR_MCAST_GROUPS", GenlFamilyDecoder::groups)
            .build();

    private GenlFamilyDecoder() {
    }

    /**
     * Decodes a controller message.
     *
     * @throws NetlinkDecoderException if it is not a CTRL_CMD_NEWFAMILY from GENL_ID_CTRL, lacks
     *     the family id or name, or is malformed
     */
    public static GenlFamily decode(NlMsg msg) {
        if (msg.type() != GENL_ID_CTRL) {
            throw new NetlinkDecoderException("nlmsg_type " + msg.type() + " (expected: GENL_ID_CTRL = "
                    + GENL_ID_CTRL + ")");
        }
        msg.genlHeader().requireCommand(CTRL_CMD_NEWFAMILY, "CTRL_CMD_NEWFAMILY");
        Builder b = new Builder();
        FAMILY.parse(msg.genlAttributes(0), b);
        if (b.id < 0 || b.name == null) {
            throw new NetlinkDecoderException("CTRL_CMD_NEWFAMILY without "
                    + (b.id < 0 ? "CTRL_ATTR_FAMILY_ID" : "CTRL_ATTR_FAMILY_NAME"));
        }
        return new GenlFamily(b.id, b.name, b.version, b.hdrSize, b.maxAttr, b.operations, b.groups);
    }

    private static void operations(Builder b, NlAttrs entries) {
        for (NlAttr entry = entries.next(); entry != null; entry = entries.next()) {
            Op op = new Op();
            OP.parse(entries.nested(entry), op);
            if (op.id >= 0) {
                b.operations.put(op.id, op.flags);
            }
        }
    }

    private static void groups(Builder b, NlAttrs entries) {
        for (NlAttr entry = entries.next(); entry != null; entry = entries.next()) {
            Group g = new Group();
            GROUP.parse(entries.nested(entry), g);
            if (g.name == null || g.id < 0) {
                throw new NetlinkDecoderException("CTRL_ATTR_MCAST_GROUPS entry " + entry.type() + " without "
                        + (g.name == null ? "CTRL_ATTR_MCAST_GRP_NAME" : "CTRL_ATTR_MCAST_GRP_ID"));
            }
            b.groups.put(g.name, g.id);
        }
    }

    private static final class Builder {
        int id = -1;
        String name;
        int version;
        int hdrSize;
        int maxAttr;
        final Map<Integer, Integer> operations = new LinkedHashMap<>();
        final Map<String, Integer> groups = new LinkedHashMap<>();
    }

    private static final class Group {
        int id = -1;
        String name;
    }

    private static final class Op {
        int id = -1;
        int flags;
    }
}
