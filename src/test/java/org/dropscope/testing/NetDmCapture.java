// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import static org.dropscope.netlink.NetlinkLayout.NLM_F_REQUEST;

import java.util.List;
import java.util.Optional;
import org.dropscope.netlink.dropmon.NetDmAttr;
import org.dropscope.netlink.dropmon.NetDmCmd;
import org.dropscope.netlink.dropmon.NetDmConstants;

/**
 * The NET_DM conversation in an nlmon capture: which family id the kernel gave NET_DM in that
 * boot (from the controller's reply to the family lookup), and what each message is.
 */
public final class NetDmCapture {
    /** {@code GENL_ID_CTRL}, the generic netlink controller's fixed family id (linux/genetlink.h). */
    public static final int GENL_ID_CTRL = 0x10;
    public static final int CTRL_CMD_NEWFAMILY = 1;
    public static final int CTRL_CMD_GETFAMILY = 3;
    public static final int CTRL_ATTR_FAMILY_ID = 1;
    public static final int CTRL_ATTR_FAMILY_NAME = 2;
    /** errno values of include/uapi/asm-generic/errno-base.h. */
    public static final int EAGAIN = 11;
    public static final int EBUSY = 16;

    private final List<RawNetlink> messages;
    private final int familyId;

    private NetDmCapture(List<RawNetlink> messages, int familyId) {
        this.messages = List.copyOf(messages);
        this.familyId = familyId;
    }

    /** The capture's messages; fails if the capture has no reply naming NET_DM's family id. */
    public static NetDmCapture of(List<RawNetlink> messages) {
        return new NetDmCapture(messages, familyReply(messages).map(NetDmCapture::familyIdOf)
                .orElseThrow(() -> new IllegalArgumentException("no CTRL_CMD_NEWFAMILY reply for "
                        + NetDmConstants.NET_DM_FAMILY_NAME + " in the capture")));
    }

    /** The first reply of the generic netlink controller describing NET_DM. */
    public static Optional<RawNetlink> familyReply(List<RawNetlink> messages) {
        return messages.stream().filter(m -> m.type() == GENL_ID_CTRL && m.genlCmd() == CTRL_CMD_NEWFAMILY
                && NetDmConstants.NET_DM_FAMILY_NAME.equals(familyName(m))).findFirst();
    }

    /** CTRL_ATTR_FAMILY_ID of a controller message. */
    public static int familyIdOf(RawNetlink ctrl) {
        RawNetlink.Attr id = ctrl.genlAttribute(CTRL_ATTR_FAMILY_ID);
        if (id == null) {
            throw new IllegalArgumentException("controller message without CTRL_ATTR_FAMILY_ID");
        }
        return id.u16();
    }

    /** CTRL_ATTR_FAMILY_NAME of a controller message, or {@code null}. */
    public static String familyName(RawNetlink ctrl) {
        RawNetlink.Attr name = ctrl.genlAttribute(CTRL_ATTR_FAMILY_NAME);
        return name == null ? null : name.string();
    }

    public List<RawNetlink> messages() {
        return messages;
    }

    /** NET_DM's generic netlink family id in the captured boot. */
    public int familyId() {
        return familyId;
    }

    /** Whether {@code m} is a NET_DM message (a request, a reply or an alert). */
    public boolean isNetDm(RawNetlink m) {
        return m.type() == familyId;
    }

    /** Whether {@code m} is a request to the kernel (NLM_F_REQUEST set). */
    public static boolean isRequest(RawNetlink m) {
        return (m.flags() & NLM_F_REQUEST) != 0;
    }

    /**
     * A short name for what {@code m} is: {@code ctrl-getfamily-request}, {@code ctrl-family-reply},
     * {@code ack} / {@code error} (answers to NET_DM requests; {@code ctrl-ack} for the
     * controller), a NET_DM command in lower case with {@code -request} for requests
     * ({@code config-request}, {@code alert}, {@code packet-alert}, {@code config-new} ...),
     * or {@code other}.
     */
    public String kind(RawNetlink m) {
        if (m.isError()) {
            int requestType = m.request().type();
            String prefix = requestType == GENL_ID_CTRL ? "ctrl-" : requestType == familyId ? "" : "other-";
            return prefix + (m.error() == 0 ? "ack" : "error");
        }
        if (m.type() == GENL_ID_CTRL) {
            if (m.genlCmd() == CTRL_CMD_GETFAMILY && isRequest(m)) {
                return "ctrl-getfamily-request";
            }
            return m.genlCmd() == CTRL_CMD_NEWFAMILY ? "ctrl-family-reply" : "ctrl-other";
        }
        if (!isNetDm(m)) {
            return "other";
        }
        String cmd = NetDmCmd.valueOf(m.genlCmd()).name().replaceFirst("^NET_DM_CMD_", "")
                .toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return isRequest(m) ? cmd + "-request" : cmd;
    }

    /**
     * The request {@code answer} (an ACK or error of this capture) answers: the last request before
     * it with the header the answer quotes. dropwatch sends every request with nlmsg_pid 0 and
     * numbers them from 0 in each process, so only the order tells two dropwatch processes' requests
     * apart; the kernel answers each before the next (dropwatch waits for it).
     */
    public Optional<RawNetlink> requestAnsweredBy(RawNetlink answer) {
        RawNetlink header = answer.request();
        int at = -1;
        for (int i = 0; i < messages.size() && at < 0; i++) {
            if (messages.get(i) == answer) {
                at = i;
            }
        }
        for (int i = at - 1; i >= 0; i--) {
            RawNetlink m = messages.get(i);
            if (isRequest(m) && m.seq() == header.seq() && m.pid() == header.pid() && m.type() == header.type()) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** A packet alert's payload length and original length, as {@code [payload, original]}. */
    public static long[] payloadAndOriginalLength(RawNetlink packetAlert) {
        RawNetlink.Attr payload = packetAlert.genlAttribute(NetDmAttr.NET_DM_ATTR_PAYLOAD.intValue());
        RawNetlink.Attr orig = packetAlert.genlAttribute(NetDmAttr.NET_DM_ATTR_ORIG_LEN.intValue());
        return new long[] {payload == null ? 0 : payload.payload().length, orig == null ? -1 : orig.u32()};
    }
}
