// SPDX-License-Identifier: Apache-2.0
package org.dropscope.capture;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.dropscope.event.AlertListener;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.PacketDrop;
import org.dropscope.netlink.dropmon.NetDmPacketAlert;
import org.dropscope.netlink.dropmon.NetDmSummaryAlert;

/** NET_DM's decoded alerts as dropscope's events, for the live source and for replays alike. */
public final class NetDmEvents {
    private NetDmEvents() {
    }

    /** A summary alert's entries: its software points in order, then its hardware traps. */
    public static List<AlertListener.SummaryEntry> entries(NetDmSummaryAlert a) {
        List<AlertListener.SummaryEntry> entries = new ArrayList<>(a.points().size() + a.hwEntries().size());
        for (NetDmSummaryAlert.DropPoint p : a.points()) {
            entries.add(new AlertListener.SummaryEntry(DropOrigin.SOFTWARE, p.pc(), null, p.count()));
        }
        for (NetDmSummaryAlert.HwEntry h : a.hwEntries()) {
            entries.add(new AlertListener.SummaryEntry(DropOrigin.HARDWARE, 0, h.trapName(), h.count()));
        }
        return entries;
    }

    /** A packet alert; NET_DM leaves out what is 0 (ifindex, no payload's protocol), so 0 reads as absent. */
    public static PacketDrop packet(NetDmPacketAlert p) {
        long absent = PacketDrop.ABSENT;
        boolean payload = p.payload() != null;
        return new PacketDrop(p.origin(), p.pc() != 0 ? p.pc() : absent, p.symbol(), p.reason(),
                p.ifindex() != 0 ? Integer.toUnsignedLong(p.ifindex()) : absent, p.ifname(), bytes(p.flowActionCookie()),
                p.timestampNanos() != 0 ? p.timestampNanos() : absent,
                payload ? p.protocol() : PacketDrop.ABSENT_INT, payload ? p.payloadLength() : absent,
                p.originalLength() != 0 ? p.originalLength() : absent, p.hwTrapGroupName(), p.hwTrapName());
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
