// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * A NET_DM_CMD_PACKET_ALERT message: one dropped packet, in the packet alert mode
 * (include/uapi/linux/net_dropmon.h, net/core/drop_monitor.c). Decoded by
 * {@link NetDmPacketAlertDecoder}.
 *
 * <p>Software drops carry the PC, its {@code %pS} symbol and (5.18+) the drop reason; hardware
 * drops (devlink traps) carry the trap group and name, the input port's name and perhaps a flow
 * action cookie instead. Absent attributes read as null (text and bytes) or 0 (numbers), which is
 * also what the kernel means by leaving them out: it omits the ifindex when it is 0, and the
 * protocol when no payload is sent.
 *
 * <p>Payload and cookie are copies, exposed as read-only buffers: see {@link #payload()}.
 *
 * @param origin NET_DM_ATTR_ORIGIN: NET_DM_ORIGIN_SW (0) or NET_DM_ORIGIN_HW (1)
 * @param pc NET_DM_ATTR_PC: the drop location, a kernel text address (unsigned); 0 for hardware
 * @param symbol NET_DM_ATTR_SYMBOL: the location as {@code %pS}, e.g.
 *     {@code "ip_rcv_finish_core.isra.0+0x1de/0x440"} (at most 39 characters)
 * @param reason NET_DM_ATTR_REASON: the {@code skb_drop_reason} name without prefix, e.g.
 *     {@code "NO_SOCKET"} (Linux 5.18+)
 * @param ifindex NET_DM_ATTR_IN_PORT / NET_DM_ATTR_PORT_NETDEV_IFINDEX (nested type 0)
 * @param ifname NET_DM_ATTR_IN_PORT / NET_DM_ATTR_PORT_NETDEV_NAME (hardware drops only)
 * @param timestampNanos NET_DM_ATTR_TIMESTAMP: wall-clock time of the drop, ns since the epoch
 * @param protocol NET_DM_ATTR_PROTO: the packet's Ethertype (skb->protocol in host order); sent
 *     only with a payload
 * @param payload NET_DM_ATTR_PAYLOAD: the packet from its MAC header, cut at the configured
 *     truncation length and at 0xffff - 8 bytes
 * @param originalLength NET_DM_ATTR_ORIG_LEN: skb->len before truncation (a u32)
 * @param hwTrapGroupName NET_DM_ATTR_HW_TRAP_GROUP_NAME
 * @param hwTrapName NET_DM_ATTR_HW_TRAP_NAME
 * @param flowActionCookie NET_DM_ATTR_FLOW_ACTION_COOKIE: the cookie a tc action attached
 *     (Linux 5.7+)
 */
public record NetDmPacketAlert(int origin, long pc, String symbol, String reason, int ifindex, String ifname,
        long timestampNanos, int protocol, ByteBuffer payload, long originalLength, String hwTrapGroupName,
        String hwTrapName, ByteBuffer flowActionCookie) implements NetDmMessage {

    /** Copies {@code payload} and {@code flowActionCookie} (their remaining bytes). */
    public NetDmPacketAlert {
        payload = copy(payload);
        flowActionCookie = copy(flowActionCookie);
    }

    private static ByteBuffer copy(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c.asReadOnlyBuffer();
    }

    @Override
    public NetDmCmd command() {
        return NetDmCmd.NET_DM_CMD_PACKET_ALERT;
    }

    /**
     * The packet bytes, or null if none were sent: a read-only view of this alert's own copy,
     * with its own position, so callers may read it freely.
     */
    @Override
    public ByteBuffer payload() {
        return payload == null ? null : payload.duplicate();
    }

    /** The flow action cookie, or null: a read-only view, as {@link #payload()}. */
    @Override
    public ByteBuffer flowActionCookie() {
        return flowActionCookie == null ? null : flowActionCookie.duplicate();
    }

    /** Payload bytes carried, 0 if none. */
    public int payloadLength() {
        return payload == null ? 0 : payload.remaining();
    }

    /** Whether a device (a devlink trap) dropped the packet, not the kernel's stack. */
    public boolean isHardware() {
        return origin == NetDmConstants.NET_DM_ORIGIN_HW;
    }

    /** {@link #timestampNanos()} as an instant. */
    public Instant timestamp() {
        return Instant.ofEpochSecond(Math.floorDiv(timestampNanos, 1_000_000_000L),
                Math.floorMod(timestampNanos, 1_000_000_000L));
    }
}
