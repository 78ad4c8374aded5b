// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_ALERT_MODE;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_QUEUE_LEN;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_TRUNC_LEN;

import org.dropscope.netlink.NetlinkDecoderException;
import org.dropscope.netlink.NlAttrs;
import org.dropscope.netlink.NlMsg;
import org.dropscope.netlink.NlPolicy;

/**
 * Decodes NET_DM_CMD_CONFIG_NEW into a {@link NetDmMessage.Config} (include/uapi/linux/net_dropmon.h;
 * net/core/drop_monitor.c, net_dm_config_fill): NET_DM_ATTR_ALERT_MODE (u8),
 * NET_DM_ATTR_TRUNC_LEN (u32) and NET_DM_ATTR_QUEUE_LEN (u32), all three always sent.
 */
public final class NetDmConfigDecoder {

    private static final NlPolicy<Builder> CONFIG_NEW = NlPolicy.<Builder>builder("NET_DM_CMD_CONFIG_NEW")
            .u8(NET_DM_ATTR_ALERT_MODE.intValue(), NET_DM_ATTR_ALERT_MODE.name(), (b, v) -> b.alertMode = v)
            .u32(NET_DM_ATTR_TRUNC_LEN.intValue(), NET_DM_ATTR_TRUNC_LEN.name(),
                    (b, v) -> b.truncLength = Integer.toUnsignedLong(v))
            .u32(NET_DM_ATTR_QUEUE_LEN.intValue(), NET_DM_ATTR_QUEUE_LEN.name(),
                    (b, v) -> b.queueLength = Integer.toUnsignedLong(v))
            .build();

    private NetDmConfigDecoder() {
    }

    /**
     * Decodes a framed NET_DM_CMD_CONFIG_NEW message (the reply to NET_DM_CMD_CONFIG_GET).
     *
     * @throws NetlinkDecoderException if its command is another, it lacks one of the three
     *     attributes, or it is malformed
     */
    public static NetDmMessage.Config decode(NlMsg msg) {
        msg.genlHeader().requireCommand(NetDmCmd.NET_DM_CMD_CONFIG_NEW.intValue(), "NET_DM_CMD_CONFIG_NEW");
        return decodeAttributes(msg.genlAttributes(0));
    }

    /** Decodes the attributes of a NET_DM_CMD_CONFIG_NEW message. */
    public static NetDmMessage.Config decodeAttributes(NlAttrs attrs) {
        Builder b = new Builder();
        CONFIG_NEW.parse(attrs, b);
        String missing = b.alertMode < 0 ? NET_DM_ATTR_ALERT_MODE.name()
                : b.truncLength < 0 ? NET_DM_ATTR_TRUNC_LEN.name()
                : b.queueLength < 0 ? NET_DM_ATTR_QUEUE_LEN.name()
                : null;
        if (missing != null) {
            throw new NetlinkDecoderException("NET_DM_CMD_CONFIG_NEW without " + missing);
        }
        return new NetDmMessage.Config(b.alertMode, b.truncLength, b.queueLength);
    }

    private static final class Builder {
        int alertMode = -1;
        long truncLength = -1;
        long queueLength = -1;
    }
}
