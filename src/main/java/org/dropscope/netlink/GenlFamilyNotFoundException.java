// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

/**
 * The generic netlink controller does not know a family: it answered CTRL_CMD_GETFAMILY with
 * ENOENT (net/netlink/genetlink.c, ctrl_getfamily). For NET_DM this means the kernel was built
 * without CONFIG_NET_DROP_MONITOR, the drop_monitor module could not be loaded, or the caller is
 * outside the initial network namespace (NET_DM does not set netnsok).
 */
public final class GenlFamilyNotFoundException extends NetlinkKernelException {
    private static final long serialVersionUID = 1L;

    private final String family;

    /**
     * @param family the name (or "id N") looked up
     * @param cause the kernel's ENOENT for the lookup
     */
    public GenlFamilyNotFoundException(String family, NetlinkKernelException cause) {
        super("generic netlink family " + family + " not found", cause.error());
        this.family = family;
        initCause(cause);
    }

    /** The family name (or "id N") that was looked up. */
    public String family() {
        return family;
    }
}
