// SPDX-License-Identifier: Apache-2.0
package org.dropscope.event;

/**
 * One drop as a recorder sees it: the aggregation key plus when it happened and what the kernel
 * said about the packet. A mutable flyweight: a source fills one instance per reader thread and
 * hands it to {@link DropEventSink#drop}, a file reader fills one per read loop, so nothing is
 * allocated per event. Valid only during the call it is passed to; {@link #copy()} to keep it.
 *
 * <p>Where the values come from:
 * <ul>
 *   <li>tracepoint ({@code skb:kfree_skb}, include/trace/events/skb.h): {@code time} is the perf
 *       sample's PERF_SAMPLE_TIME, {@code location}, {@code reason} and {@code protocol} are the raw
 *       entry's fields ({@code protocol} is {@code ntohs(skb->protocol)}), {@code cpu} is the ring's
 *       CPU; the tracepoint knows no ifindex or length;</li>
 *   <li>NET_DM packet alert (include/uapi/linux/net_dropmon.h): {@code NET_DM_ATTR_TIMESTAMP},
 *       {@code _PC}, {@code _REASON} (interned), {@code _PROTO}, {@code _IN_PORT} ifindex,
 *       {@code _ORIG_LEN};</li>
 *   <li>NET_DM summary alert: the time it was received, the point's pc and its count.</li>
 * </ul>
 * A value the source did not give is 0 ({@code protocol}, {@code ifindex}, {@code originalLength}),
 * {@link DropSink#NO_REASON} or {@link DropSink#NO_STACK}.
 */
public final class DropEvent {
    private long timeNanos;
    private int cpu;
    private DropOrigin origin = DropOrigin.SOFTWARE;
    private long location;
    private int reason = DropSink.NO_REASON;
    private int stackId = DropSink.NO_STACK;
    private int protocol;
    private int ifindex;
    private int originalLength;
    private long count = 1;

    /**
     * Sets the fields every source has; the packet fields go back to 0.
     *
     * @param timeNanos nanoseconds on the clock the recording names (see the record header)
     * @param cpu the CPU that dropped, or 0 when unknown
     * @param origin software or hardware
     * @param location kernel text address (software) or interned trap id (hardware)
     * @param reason the source's reason code, or {@link DropSink#NO_REASON}
     * @param stackId a stack id of the source's stack table, or {@link DropSink#NO_STACK}
     * @param count drops this event stands for (1, or a NET_DM summary entry's count)
     * @return this
     */
    public DropEvent set(long timeNanos, int cpu, DropOrigin origin, long location, int reason, int stackId,
            long count) {
        this.timeNanos = timeNanos;
        this.cpu = cpu;
        this.origin = origin;
        this.location = location;
        this.reason = reason;
        this.stackId = stackId;
        this.count = count;
        this.protocol = 0;
        this.ifindex = 0;
        this.originalLength = 0;
        return this;
    }

    /**
     * Sets what the kernel said about the packet; call after {@link #set}.
     *
     * @param protocol the Ethertype in host byte order (0x0800 for IPv4), 0 if unknown
     * @param ifindex the input interface, 0 if unknown
     * @param originalLength the packet's length before any truncation, 0 if unknown
     * @return this
     */
    public DropEvent packet(int protocol, int ifindex, int originalLength) {
        this.protocol = protocol;
        this.ifindex = ifindex;
        this.originalLength = originalLength;
        return this;
    }

    public long timeNanos() {
        return timeNanos;
    }

    public int cpu() {
        return cpu;
    }

    public DropOrigin origin() {
        return origin;
    }

    public long location() {
        return location;
    }

    public int reason() {
        return reason;
    }

    public int stackId() {
        return stackId;
    }

    /** The Ethertype (host byte order), 0 if unknown. */
    public int protocol() {
        return protocol;
    }

    /** The input interface index, 0 if unknown. */
    public int ifindex() {
        return ifindex;
    }

    /** The packet's length before truncation, 0 if unknown. */
    public int originalLength() {
        return originalLength;
    }

    public long count() {
        return count;
    }

    /** A new instance with the same values, for callers that keep events. */
    public DropEvent copy() {
        return new DropEvent().set(timeNanos, cpu, origin, location, reason, stackId, count)
                .packet(protocol, ifindex, originalLength);
    }

    @Override
    public String toString() {
        return "DropEvent[t=" + timeNanos + " cpu=" + cpu + " " + origin.label() + " 0x" + Long.toHexString(location)
                + " reason=" + reason + " stack=" + stackId + " proto=0x" + Integer.toHexString(protocol)
                + " ifindex=" + ifindex + " len=" + originalLength + " count=" + count + "]";
    }
}
