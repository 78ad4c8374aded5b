// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.netdm;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.dropscope.event.AlertListener;
import org.dropscope.event.PacketDrop;
import org.dropscope.nativeio.NetlinkConstants;
import org.dropscope.netlink.GenlFamily;
import org.dropscope.netlink.GenlFamilyDecoder;
import org.dropscope.netlink.NetlinkDecoderException;
import org.dropscope.netlink.NetlinkLayout;
import org.dropscope.netlink.NlMsg;
import org.dropscope.netlink.NlMsgDecoder;
import org.dropscope.netlink.dropmon.NetDmConstants;
import org.dropscope.netlink.dropmon.NetDmMessage;
import org.dropscope.netlink.dropmon.NetDmMessageDecoder;
import org.dropscope.netlink.dropmon.NetDmPacketAlert;
import org.dropscope.netlink.dropmon.NetDmSummaryAlert;
import org.dropscope.pcap.PcapReader;

/**
 * Replays the NET_DM messages of a LINKTYPE_NETLINK pcap: captured on an nlmon device while
 * dropwatch ran, written by dwdump, or by {@code dropscope dump}. The NET_DM family's id differs
 * per boot, so it is read from the capture itself (the CTRL_CMD_NEWFAMILY reply that every client
 * gets when it resolves the family, and the family dump dwdump writes first); it can be given
 * when a capture lacks it.
 *
 * <p>Only what the kernel sent is replayed: requests (NLM_F_REQUEST) and ACKs are skipped. A record
 * that the capture's snapshot length cut (tcpdump -s) is not decoded: it is reported to
 * {@link Handler#malformed} as cut, and the replay goes on.
 */
public final class NetDmReplay {
    /** What a replay finds, in file order. */
    public interface Handler {
        void summary(List<AlertListener.SummaryEntry> entries);

        void packet(PacketDrop drop);

        void config(NetDmMessage.Config config);

        void stats(NetDmMessage.Stats stats);

        /** A NET_DM message that could not be decoded; the replay goes on. */
        void malformed(int record, String why);
    }

    private NetDmReplay() {
    }

    /**
     * Replays {@code pcap} (the whole file's bytes) into {@code handler}.
     *
     * @param familyId the NET_DM family id to use, or empty to read it from the capture
     * @return the family id used
     * @throws IOException for a damaged file: every record before the damage has been replayed;
     *     or when the capture has no NET_DM family reply and none was given
     */
    public static int replay(byte[] pcap, OptionalInt familyId, Handler handler) throws IOException {
        int id = familyId.isPresent() ? familyId.getAsInt() : findFamilyId(pcap);
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(pcap))) {
            for (PcapReader.Record rec = r.next(); rec != null; rec = r.next()) {
                try {
                    if (rec.protocol() != NetlinkConstants.NETLINK_GENERIC) {
                        continue;
                    }
                    if (rec.cut()) {
                        handler.malformed(rec.number(), cut(rec));
                    } else {
                        replayRecord(rec, id, handler);
                    }
                } finally {
                    rec.message().release();
                }
            }
        }
        return id;
    }

    private static void replayRecord(PcapReader.Record rec, int familyId, Handler handler) {
        List<NlMsg> messages = new ArrayList<>();
        try {
            NlMsgDecoder.forEach(rec.message(), messages::add);
        } catch (NetlinkDecoderException e) {
            handler.malformed(rec.number(), e.getMessage());
        }
        for (NlMsg m : messages) {
            if (m.type() != familyId || (m.header().flags() & NetlinkLayout.NLM_F_REQUEST) != 0) {
                continue;
            }
            NetDmMessage dm;
            try {
                dm = NetDmMessageDecoder.decode(m);
            } catch (NetlinkDecoderException e) {
                handler.malformed(rec.number(), e.getMessage());
                continue;
            }
            if (dm instanceof NetDmSummaryAlert) {
                handler.summary(NetDmEvents.entries((NetDmSummaryAlert) dm));
            } else if (dm instanceof NetDmPacketAlert) {
                handler.packet(NetDmEvents.packet((NetDmPacketAlert) dm));
            } else if (dm instanceof NetDmMessage.Config) {
                handler.config((NetDmMessage.Config) dm);
            } else if (dm instanceof NetDmMessage.Stats) {
                handler.stats((NetDmMessage.Stats) dm);
            }
        }
    }

    /** Why a cut record is not replayed, and how to take a capture that keeps whole messages. */
    private static String cut(PcapReader.Record rec) {
        return "cut to " + rec.capturedLength() + " of " + rec.originalLength() + " bytes by the capture's snapshot"
                + " length (tcpdump -s); capture with -s 0 to keep whole messages";
    }

    /** The id of NET_DM in the first nlctrl family message of the capture that names it. */
    static int findFamilyId(byte[] pcap) throws IOException {
        PcapReader.Record firstCut = null;
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(pcap))) {
            for (PcapReader.Record rec = r.next(); rec != null; rec = r.next()) {
                try {
                    if (rec.cut()) {
                        firstCut = firstCut != null ? firstCut : rec;
                        continue;
                    }
                    OptionalInt id = familyIdIn(rec.message());
                    if (id.isPresent()) {
                        return id.getAsInt();
                    }
                } finally {
                    rec.message().release();
                }
            }
        } catch (IOException e) {
            // A damaged tail: the replay proper reports it after the records before it.
        }
        throw new IOException("the capture holds no CTRL_CMD_NEWFAMILY reply for " + NetDmConstants.NET_DM_FAMILY_NAME
                + ", so the family id of its messages is unknown: capture from before the client starts (it"
                + " resolves the family then), or give the id with --family-id" + (firstCut == null ? ""
                : "; it may be in a record the capture cut: record " + firstCut.number() + " was " + cut(firstCut)));
    }

    private static OptionalInt familyIdIn(ByteBuf datagram) {
        OptionalInt[] found = {OptionalInt.empty()};
        try {
            NlMsgDecoder.forEach(datagram, m -> {
                if (found[0].isEmpty() && m.type() == NetlinkLayout.GENL_ID_CTRL
                        && m.genlHeader().cmd() == NetlinkLayout.CTRL_CMD_NEWFAMILY) {
                    GenlFamily f = GenlFamilyDecoder.decode(m);
                    if (NetDmConstants.NET_DM_FAMILY_NAME.equals(f.name())) {
                        found[0] = OptionalInt.of(f.id());
                    }
                }
            });
        } catch (NetlinkDecoderException e) {
            // Not a family message we can read; keep looking.
        }
        return found[0];
    }
}
