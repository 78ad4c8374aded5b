// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

/** Which kernel interface a recording was made from; the numbers are the file's. */
public enum SourceKind {
    /** The {@code skb:kfree_skb} tracepoint through perf_event_open(2). */
    TRACEPOINT(1, "tracepoint"),
    /** NET_DM, the {@code drop_monitor} generic netlink family (include/uapi/linux/net_dropmon.h). */
    NETDM(2, "netdm");

    private final int code;
    private final String label;

    SourceKind(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The value stored in the file. */
    public int code() {
        return code;
    }

    /** The word {@code --source} takes. */
    public String label() {
        return label;
    }

    /** The kind for a stored value, or {@code null} for one this version does not know. */
    public static SourceKind ofCode(int code) {
        for (SourceKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return null;
    }
}
