// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

/** What a name record names; the numbers are the file's. */
public enum NameKind {
    /** A drop reason code of the recording source ({@code NO_SOCKET}). */
    REASON(1),
    /** A hardware drop's trap id (a devlink trap name such as {@code ingress_vlan_filter}). */
    TRAP(2);

    private final int code;

    NameKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The kind for a stored value, or {@code null} for one this version does not know. */
    public static NameKind ofCode(int code) {
        for (NameKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return null;
    }
}
