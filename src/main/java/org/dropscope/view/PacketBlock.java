// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dropscope.event.PacketDrop;

/**
 * Formats a dropped packet exactly as dropwatch 1.5 prints a NET_DM packet alert: the present
 * fields in dropwatch's order, one per line, then an empty line.
 * <pre>
 * drop at: __udp4_lib_rcv+0x9a2/0xe60 (0xffffffff9a8a8f42)
 * origin: software
 * input port ifindex: 1
 * timestamp: Sat Nov 22 01:23:45 2026 123456789 nsec
 * protocol: 0x800
 * length: 64
 * original length: 44
 * drop reason: NO_SOCKET
 * </pre>
 * The timestamp is C's {@code asctime(localtime())} of the seconds, in the given time zone. The
 * message's strings (symbol, trap, device, reason) are printed through {@link Printable#word}.
 */
public final class PacketBlock {
    /** asctime(3): "Www Mmm dd hh:mm:ss yyyy", the day of month padded with a space. */
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    private final ZoneId zone;

    public PacketBlock(ZoneId zone) {
        this.zone = zone;
    }

    /** The block's lines, the last one empty. */
    public List<String> lines(PacketDrop p) {
        List<String> out = new ArrayList<>(12);
        if (p.pc() != PacketDrop.ABSENT && p.symbol() != null) {
            out.add("drop at: " + Printable.word(p.symbol()) + " (0x" + Long.toHexString(p.pc()) + ")");
        } else if (p.trapGroup() != null && p.trapName() != null) {
            out.add("drop at: " + Printable.word(p.trapName()) + " (" + Printable.word(p.trapGroup()) + ")");
        }
        if (p.originCode() != PacketDrop.ABSENT_INT) {
            out.add("origin: " + (p.origin() == null ? "unknown" : p.origin().label()));
        }
        if (p.inIfindex() != PacketDrop.ABSENT) {
            // dropwatch prints the u32 with %d.
            out.add("input port ifindex: " + (int) p.inIfindex());
        }
        if (p.inIfname() != null) {
            out.add("input port name: " + Printable.word(p.inIfname()));
        }
        if (p.cookie() != null) {
            StringBuilder sb = new StringBuilder("cookie: ");
            for (byte b : p.cookie()) {
                sb.append(String.format(Locale.ROOT, "%02x", b & 0xff));
            }
            out.add(sb.toString());
        }
        if (p.timestampNanos() != PacketDrop.ABSENT) {
            // Signed, as every time here: the decoder refuses a NET_DM_ATTR_TIMESTAMP of 2^63 or more.
            Instant at = Instant.ofEpochSecond(0, p.timestampNanos());
            out.add("timestamp: " + ASCTIME.format(at.atZone(zone)) + " " + String.format(Locale.ROOT, "%09d", at.getNano())
                    + " nsec");
        }
        if (p.protocol() != PacketDrop.ABSENT_INT) {
            out.add("protocol: 0x" + Integer.toHexString(p.protocol()));
        }
        if (p.payloadLength() != PacketDrop.ABSENT) {
            out.add("length: " + p.payloadLength());
        }
        if (p.originalLength() != PacketDrop.ABSENT) {
            out.add("original length: " + p.originalLength());
        }
        if (p.reason() != null) {
            out.add("drop reason: " + Printable.word(p.reason()));
        }
        out.add("");
        return out;
    }
}
