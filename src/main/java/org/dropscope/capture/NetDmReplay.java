// SPDX-License-Identifier: Apache-2.0
package org.dropscope.capture;

import io.netty.buffer.ByteBuf;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.dropscope.event.AlertListener;
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
import org.dropscope.pcap.NetlinkPcap;
import org.dropscope.pcap.PcapFormatException;
import org.dropscope.pcap.PcapReader;
import org.dropscope.pcap.Rereadable;

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
    /**
     * What a replay finds, in file order: the alerts, as the live source hands them to its
     * {@link AlertListener}, and the rest of what the kernel sent.
     */
    public interface Handler extends AlertListener {
        void config(NetDmMessage.Config config);

        void stats(NetDmMessage.Stats stats);

        /** A NET_DM message that could not be decoded; the replay goes on. */
        void malformed(int record, String why);

        /**
         * The capture time of the record whose messages follow (its pcap record header's), before
         * any of them is handed over.
         */
        default void record(int number, long epochNanos) {
        }

        /** Something the user should know about how the capture was read (printed once, first). */
        default void note(String message) {
        }
    }

    private NetDmReplay() {
    }

    /**
     * Replays {@code pcap} into {@code handler}, one record at a time: memory holds a record, never
     * the capture. Without {@code familyId} the capture is read twice, first as far as the family
     * reply (to its end when there is none).
     *
     * @param familyId the NET_DM family id to use, or empty to read it from the capture
     * @return the family id used
     * @throws PcapFormatException for a file that is no pcap (empty, pcapng, cut inside its file
     *     header) or holds no record, said before anything else; for a damaged file, after every
     *     record before the damage has been replayed; or when the capture has no NET_DM family
     *     reply and none was given
     * @throws IOException when the capture cannot be read
     */
    public static int replay(Rereadable pcap, OptionalInt familyId, Handler handler) throws IOException {
        int id = familyId.isPresent() ? familyId.getAsInt() : familyId(pcap, handler);
        try (PcapReader r = new PcapReader(buffered(pcap.openLast()))) {
            PcapReader.Record rec = r.next();
            if (rec == null) {
                throw noRecords();
            }
            for (; rec != null; rec = r.next()) {
                try {
                    if (rec.protocol() != NetlinkConstants.NETLINK_GENERIC) {
                        continue;
                    }
                    handler.record(rec.number(), rec.epochNanos());
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
        // nlmsg_type of the record's first message (struct nlmsghdr, host order), before decoding.
        int firstType = rec.message().readableBytes() >= 6 ? rec.message().getUnsignedShortLE(
                rec.message().readerIndex() + 4) : -1;
        try {
            NlMsgDecoder.forEach(rec.message(), messages::add);
        } catch (NetlinkDecoderException e) {
            // Damage in another family's record is not ours to report: dwdump 1.5.4 writes its
            // family list cut in the middle of a message, which every capture of it holds.
            if (firstType == familyId) {
                handler.malformed(rec.number(), e.getMessage());
            }
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

    /**
     * NET_DM's id in the capture, in one pass: from the first nlctrl family message that names it;
     * failing that (dwdump 1.5.4 writes only the first part of the family list), the one generic
     * netlink family id (other than the controller's) that has alerts in the capture and all of
     * whose messages from the kernel decode as NET_DM alerts, which {@code handler} is told.
     */
    static int familyId(Rereadable pcap, Handler handler) throws IOException {
        Map<Integer, Boolean> alertsOnly = new TreeMap<>();
        PcapReader.Record firstCut = null;
        PcapFormatException damage = null;
        int records = 0;
        // A file that is no pcap (its file header) or holds no record says so here, before
        // anything else: that, not a missing family reply, is what is wrong with it.
        try (PcapReader r = new PcapReader(buffered(pcap.open()))) {
            try {
                for (PcapReader.Record rec = r.next(); rec != null; rec = r.next()) {
                    records++;
                    try {
                        if (rec.cut()) {
                            firstCut = firstCut != null ? firstCut : rec;
                            continue;
                        }
                        // A duplicate: framing moves the reader index, and classify reads the record again.
                        OptionalInt replied = familyIdIn(rec.message().duplicate());
                        if (replied.isPresent()) {
                            return replied.getAsInt();
                        }
                        if (rec.protocol() == NetlinkConstants.NETLINK_GENERIC) {
                            classify(rec.message(), alertsOnly);
                        }
                    } finally {
                        rec.message().release();
                    }
                }
            } catch (PcapFormatException e) {
                // A damaged tail: the replay proper reports it after the records before it, unless
                // the records before it do not name the family.
                damage = e;
            }
        }
        if (records == 0 && damage == null) {
            throw noRecords();
        }
        List<Integer> candidates = alertsOnly.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey)
                .toList();
        if (candidates.size() == 1) {
            int id = candidates.get(0);
            handler.note("no " + NetDmConstants.NET_DM_FAMILY_NAME + " family reply in the capture (dwdump 1.5.4"
                    + " writes only the first part of the family list); its alerts are those of generic"
                    + " netlink family id " + id + ", the only one whose messages all decode as NET_DM alerts"
                    + " (--family-id overrides)");
            return id;
        }
        throw new PcapFormatException((damage == null ? "the capture holds" : damage.getMessage()
                + "; the records before it hold") + " no CTRL_CMD_NEWFAMILY reply for " + NetDmConstants.NET_DM_FAMILY_NAME
                + ", so the family id of its messages is unknown: capture from before the client starts (it"
                + " resolves the family then), or give the id with --family-id" + (firstCut == null ? ""
                : "; it may be in a record the capture cut: record " + firstCut.number() + " was " + cut(firstCut)));
    }

    /** Reads in large blocks: PcapReader asks for a record header, then a record, at a time. */
    private static InputStream buffered(InputStream in) {
        return new BufferedInputStream(in, 1 << 16);
    }

    private static PcapFormatException noRecords() {
        return new PcapFormatException("the capture holds no records: it ends after its "
                + NetlinkPcap.FILE_HEADER_SIZE + "-byte file header");
    }

    /** Marks each message type of the datagram as holding only NET_DM alerts so far, or not. */
    private static void classify(ByteBuf datagram, Map<Integer, Boolean> alertsOnly) {
        try {
            NlMsgDecoder.forEach(datagram, m -> {
                if (m.type() <= NetlinkLayout.GENL_ID_CTRL || (m.header().flags() & NetlinkLayout.NLM_F_REQUEST) != 0) {
                    return;
                }
                boolean alert;
                try {
                    NetDmMessage dm = NetDmMessageDecoder.decode(m);
                    alert = dm instanceof NetDmSummaryAlert || dm instanceof NetDmPacketAlert;
                } catch (NetlinkDecoderException e) {
                    alert = false;
                }
                alertsOnly.merge(m.type(), alert, Boolean::logicalAnd);
            });
        } catch (NetlinkDecoderException e) {
            // A datagram we cannot frame says nothing about any family.
        }
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
