// SPDX-License-Identifier: Apache-2.0
package org.dropscope.event;

/**
 * One dropped packet with the metadata the kernel sent for it: what NET_DM's packet alert mode
 * delivers ({@code NET_DM_CMD_PACKET_ALERT}, include/uapi/linux/net_dropmon.h). A field the
 * message did not carry is {@code null}, or {@link #ABSENT} for numbers.
 *
 * @param originCode {@code NET_DM_ATTR_ORIGIN} (0 software, 1 hardware, others unknown), or ABSENT
 * @param pc {@code NET_DM_ATTR_PC}: the drop location (software drops), or ABSENT
 * @param symbol {@code NET_DM_ATTR_SYMBOL}: the kernel's own {@code %pS} of the pc
 * @param reason {@code NET_DM_ATTR_REASON}: the drop reason's name (Linux 5.18+)
 * @param inIfindex the input port's ifindex, or ABSENT
 * @param inIfname the input port's name (hardware drops)
 * @param cookie {@code NET_DM_ATTR_FLOW_ACTION_COOKIE} bytes (hardware drops, Linux 5.7+)
 * @param timestampNanos {@code NET_DM_ATTR_TIMESTAMP}: wall-clock nanoseconds of the drop, or ABSENT
 * @param protocol {@code NET_DM_ATTR_PROTO}: the Ethertype, or ABSENT
 * @param payloadLength bytes of {@code NET_DM_ATTR_PAYLOAD} (after truncation), or ABSENT
 * @param originalLength {@code NET_DM_ATTR_ORIG_LEN}: the packet's length before truncation, or ABSENT
 * @param trapGroup {@code NET_DM_ATTR_HW_TRAP_GROUP_NAME} (hardware drops)
 * @param trapName {@code NET_DM_ATTR_HW_TRAP_NAME} (hardware drops)
 */
public record PacketDrop(int originCode, long pc, String symbol, String reason, long inIfindex, String inIfname,
        byte[] cookie, long timestampNanos, int protocol, long payloadLength, long originalLength,
        String trapGroup, String trapName) {
    /** The value of a numeric field the message did not carry. */
    public static final long ABSENT = Long.MIN_VALUE;
    /** {@link #originCode} and {@link #protocol} when absent. */
    public static final int ABSENT_INT = Integer.MIN_VALUE;

    /** Software or hardware; {@code null} when the origin is absent or unknown. */
    public DropOrigin origin() {
        return originCode == ABSENT_INT ? null : DropOrigin.ofCode(originCode);
    }
}
