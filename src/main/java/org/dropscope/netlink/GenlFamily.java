// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import java.util.Map;
import java.util.OptionalInt;

/**
 * A generic netlink family as the controller ("nlctrl") describes it in CTRL_CMD_NEWFAMILY
 * (include/uapi/linux/genetlink.h; net/netlink/genetlink.c, ctrl_fill_info). Decoded by
 * {@link GenlFamilyDecoder}, obtained through {@link GenlFamilyResolver}.
 *
 * <p>Family ids and multicast group ids are assigned when a family registers (only nlctrl's own
 * id, GENL_ID_CTRL, is fixed), so they must be resolved on the running kernel, never hard-coded.
 *
 * @param id CTRL_ATTR_FAMILY_ID: the nlmsg_type of the family's messages
 * @param name CTRL_ATTR_FAMILY_NAME
 * @param version CTRL_ATTR_VERSION: the family's interface version (the genlmsghdr version it
 *     sends)
 * @param hdrSize CTRL_ATTR_HDRSIZE: bytes of family header after the genlmsghdr
 * @param maxAttr CTRL_ATTR_MAXATTR: the highest attribute type its policy knows (0 for families
 *     with per-command policies)
 * @param operations CTRL_ATTR_OPS: command number to its CTRL_ATTR_OP_FLAGS (GENL_ADMIN_PERM,
 *     GENL_CMD_CAP_DO, ...); which commands this kernel implements
 * @param multicastGroups CTRL_ATTR_MCAST_GROUPS: group name to group id, for
 *     NETLINK_ADD_MEMBERSHIP
 */
public record GenlFamily(int id, String name, int version, int hdrSize, int maxAttr,
        Map<Integer, Integer> operations, Map<String, Integer> multicastGroups) {

    public GenlFamily {
        operations = Map.copyOf(operations);
        multicastGroups = Map.copyOf(multicastGroups);
    }

    /** The id of multicast group {@code groupName}, if the family has it. */
    public OptionalInt multicastGroup(String groupName) {
        Integer id = multicastGroups.get(groupName);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Whether the kernel implements {@code cmd} for this family (any of do or dump). */
    public boolean hasOperation(int cmd) {
        return operations.containsKey(cmd);
    }

    /**
     * Whether {@code cmd} needs CAP_NET_ADMIN (GENL_ADMIN_PERM or GENL_UNS_ADMIN_PERM in its
     * flags); false for a command the family does not have.
     */
    public boolean needsAdmin(int cmd) {
        int flags = operations.getOrDefault(cmd, 0);
        return (flags & (NetlinkLayout.GENL_ADMIN_PERM | NetlinkLayout.GENL_UNS_ADMIN_PERM)) != 0;
    }

    @Override
    public String toString() {
        return "GenlFamily[" + name + " id=" + id + " version=" + version + " hdrsize=" + hdrSize + " maxattr="
                + maxAttr + " ops=" + operations.keySet() + " groups=" + multicastGroups + ']';
    }
}
