// SPDX-License-Identifier: Apache-2.0
package org.dropscope.event;

/**
 * Where a drop was detected: in the kernel's network stack, or in a device (a devlink trap).
 *
 * <p>The numeric values are the kernel's {@code enum net_dm_origin} (include/uapi/linux/net_dropmon.h),
 * so NET_DM's {@code NET_DM_ATTR_ORIGIN} maps onto them without translation.
 */
public enum DropOrigin {
    /** A {@code kfree_skb} in the kernel: the location is a kernel text address. */
    SOFTWARE(0, "software"),
    /** A devlink trap in a device: the location is the id of an interned trap name. */
    HARDWARE(1, "hardware");

    private final int code;
    private final String label;

    DropOrigin(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The kernel's value, {@code NET_DM_ORIGIN_SW} or {@code NET_DM_ORIGIN_HW}. */
    public int code() {
        return code;
    }

    /** The word dropwatch prints in brackets: {@code [software]}, {@code [hardware]}. */
    public String label() {
        return label;
    }

    /** The origin for a kernel value; {@code null} for values this version does not know. */
    public static DropOrigin ofCode(int code) {
        for (DropOrigin o : values()) {
            if (o.code == code) {
                return o;
            }
        }
        return null;
    }
}
