// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import io.netty.buffer.ByteBuf;
import org.dropscope.netlink.GenlHeader;
import org.dropscope.netlink.NetlinkDecoderException;
import org.dropscope.netlink.NlAttrs;
import org.dropscope.netlink.NlMsg;
import org.dropscope.netlink.NlMsgDecoder;

/**
 * Decodes any NET_DM message, choosing the decoder by the genlmsghdr command
 * (include/uapi/linux/net_dropmon.h): NET_DM_CMD_ALERT, NET_DM_CMD_PACKET_ALERT,
 * NET_DM_CMD_CONFIG_NEW and NET_DM_CMD_STATS_NEW. Any other command, a newer kernel's or a request
 * command the kernel does not send, becomes a {@link NetDmMessage.Other}, to be counted and
 * skipped.
 *
 * <p>{@link #decode(ByteBuf)} frames the message too, with the decoders' contract, so a file of
 * captured datagrams can be read straight from a buffer: null (reader index unchanged) if the
 * message is not all there; otherwise the reader index moves past the message, and stays there
 * when its content then turns out malformed, so the next message can be read.
 *
 * <p>Neither checks nlmsg_type against the NET_DM family id: ids are assigned at boot, so a
 * captured file carries its own kernel's id. A live reader only gets here for its family's
 * messages.
 */
public final class NetDmMessageDecoder {

    private NetDmMessageDecoder() {
    }

    /**
     * Frames and decodes the NET_DM message at the reader index.
     *
     * @return the message; null if not all of it is readable
     * @throws NetlinkDecoderException if it is malformed (for a malformed nlmsghdr the reader
     *     index is unchanged; otherwise it is after the message)
     */
    public static NetDmMessage decode(ByteBuf in) {
        NlMsg msg = NlMsgDecoder.decode(in);
        return msg == null ? null : decode(msg);
    }

    /**
     * Decodes a framed NET_DM message.
     *
     * @throws NetlinkDecoderException if it is malformed; the message names the command
     */
    public static NetDmMessage decode(NlMsg msg) {
        GenlHeader genl = msg.genlHeader();
        NetDmCmd cmd = NetDmCmd.valueOf(genl.cmd());
        NlAttrs attrs = msg.genlAttributes(0);
        if (cmd.equals(NetDmCmd.NET_DM_CMD_ALERT)) {
            return NetDmSummaryAlertDecoder.decodeAttributes(attrs);
        } else if (cmd.equals(NetDmCmd.NET_DM_CMD_PACKET_ALERT)) {
            return NetDmPacketAlertDecoder.decodeAttributes(attrs);
        } else if (cmd.equals(NetDmCmd.NET_DM_CMD_CONFIG_NEW)) {
            return NetDmConfigDecoder.decodeAttributes(attrs);
        } else if (cmd.equals(NetDmCmd.NET_DM_CMD_STATS_NEW)) {
            return NetDmStatsDecoder.decodeAttributes(attrs);
        }
        return new NetDmMessage.Other(cmd, genl.version(), attrs.remaining());
    }
}
