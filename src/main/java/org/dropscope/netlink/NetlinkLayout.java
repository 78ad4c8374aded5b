// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

/**
 * Sizes, field offsets and flag values of netlink and generic netlink messages. See netlink(7),
 * genetlink and libnl documentation.
 *
 * <p>Mirrors include/uapi/linux/netlink.h and include/uapi/linux/genetlink.h (Linux 6.1 userspace
 * headers; every value is checked against the installed headers by {@code LayoutCheckTest}). All
 * multi-byte fields are in host byte order, except attribute payloads flagged
 * {@link #NLA_F_NET_BYTEORDER}.
 */
public final class NetlinkLayout {

    /** Messages and attributes start on 4-byte boundaries. */
    public static final int NLMSG_ALIGNTO = 4;
    public static final int NLA_ALIGNTO = 4;

    // struct nlmsghdr
    public static final int NLMSG_HDRLEN = 16;
    public static final int NLMSG_LEN_OFFSET = 0;     // __u32 nlmsg_len, header included
    public static final int NLMSG_TYPE_OFFSET = 4;    // __u16 nlmsg_type
    public static final int NLMSG_FLAGS_OFFSET = 6;   // __u16 nlmsg_flags
    public static final int NLMSG_SEQ_OFFSET = 8;     // __u32 nlmsg_seq
    public static final int NLMSG_PID_OFFSET = 12;    // __u32 nlmsg_pid

    // struct genlmsghdr, right after the nlmsghdr
    public static final int GENL_HDRLEN = 4;
    public static final int GENL_CMD_OFFSET = 0;      // __u8 cmd
    public static final int GENL_VERSION_OFFSET = 1;  // __u8 version

    // struct nlattr, followed by the payload and padding to NLA_ALIGNTO
    public static final int NLA_HDRLEN = 4;
    public static final int NLA_LEN_OFFSET = 0;       // __u16 nla_len, header included, padding not
    public static final int NLA_TYPE_OFFSET = 2;      // __u16 nla_type, with the NLA_F_* bits

    // struct nlmsgerr: payload of NLMSG_ERROR (an ACK when error is 0)
    public static final int NLMSGERR_SIZE = 20;
    public static final int NLMSGERR_ERROR_OFFSET = 0; // int, a negative errno or 0
    public static final int NLMSGERR_MSG_OFFSET = 4;   // the request's nlmsghdr

    // nlmsg_flags
    public static final int NLM_F_REQUEST = 0x01;
    public static final int NLM_F_MULTI = 0x02;
    public static final int NLM_F_ACK = 0x04;
    public static final int NLM_F_ROOT = 0x100;
    public static final int NLM_F_MATCH = 0x200;
    public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    /** In an ACK: the request was not echoed back (NETLINK_CAP_ACK). */
    public static final int NLM_F_CAPPED = 0x100;
    /** In an ACK: extended-ACK attributes follow (NETLINK_EXT_ACK). */
    public static final int NLM_F_ACK_TLVS = 0x200;

    // reserved nlmsg_type values
    public static final int NLMSG_NOOP = 0x1;
    public static final int NLMSG_ERROR = 0x2;
    public static final int NLMSG_DONE = 0x3;
    public static final int NLMSG_MIN_TYPE = 0x10;

    // nla_type flag bits
    public static final int NLA_F_NESTED = 1 << 15;
    public static final int NLA_F_NET_BYTEORDER = 1 << 14;
    public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

    // enum nlmsgerr_attrs: extended-ACK attributes after the nlmsgerr
    public static final int NLMSGERR_ATTR_MSG = 1;
    public static final int NLMSGERR_ATTR_OFFS = 2;
    public static final int NLMSGERR_ATTR_MISS_TYPE = 5;
    public static final int NLMSGERR_ATTR_MISS_NEST = 6;

    // generic netlink controller ("nlctrl")
    public static final int GENL_ID_CTRL = NLMSG_MIN_TYPE;
    /** Longest family name including its NUL. */
    public static final int GENL_NAMSIZ = 16;
    public static final int CTRL_CMD_NEWFAMILY = 1;
    public static final int CTRL_CMD_DELFAMILY = 2;
    public static final int CTRL_CMD_GETFAMILY = 3;
    public static final int CTRL_ATTR_FAMILY_ID = 1;     // u16
    public static final int CTRL_ATTR_FAMILY_NAME = 2;   // string
    public static final int CTRL_ATTR_VERSION = 3;       // u32
    public static final int CTRL_ATTR_HDRSIZE = 4;       // u32
    public static final int CTRL_ATTR_MAXATTR = 5;       // u32
    public static final int CTRL_ATTR_OPS = 6;           // nested
    public static final int CTRL_ATTR_MCAST_GROUPS = 7;  // nested array of nested groups
    public static final int CTRL_ATTR_MCAST_GRP_NAME = 1; // string, inside one group
    public static final int CTRL_ATTR_MCAST_GRP_ID = 2;   // u32, inside one group
    public static final int CTRL_ATTR_OP_ID = 1;          // u32, inside one CTRL_ATTR_OPS entry
    public static final int CTRL_ATTR_OP_FLAGS = 2;       // u32, GENL_* flags below

    // CTRL_ATTR_OP_FLAGS bits: what a family's command allows and needs
    public static final int GENL_ADMIN_PERM = 0x01;       // CAP_NET_ADMIN in the initial user namespace
    public static final int GENL_CMD_CAP_DO = 0x02;
    public static final int GENL_UNS_ADMIN_PERM = 0x10;   // CAP_NET_ADMIN in the netns's user namespace

    private NetlinkLayout() {
    }

    /** NLMSG_ALIGN: rounds a message length up to a 4-byte boundary. */
    public static int nlmsgAlign(int len) {
        return (len + NLMSG_ALIGNTO - 1) & ~(NLMSG_ALIGNTO - 1);
    }

    /** NLA_ALIGN: rounds an attribute length up to a 4-byte boundary. */
    public static int nlaAlign(int len) {
        return (len + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1);
    }

    /** NLA_TYPE_MASK applied: the attribute type without the NESTED and NET_BYTEORDER bits. */
    public static int nlaType(int rawType) {
        return rawType & NLA_TYPE_MASK;
    }
}
