// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_HW_STATS;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_PAD;
import static org.dropscope.netlink.dropmon.NetDmAttr.NET_DM_ATTR_STATS;
import static org.dropscope.netlink.dropmon.NetDmConstants.NET_DM_ATTR_STATS_DROPPED;

import org.dropscope.netlink.NetlinkDecoderException;
import org.dropscope.netlink.NlAttrs;
import org.dropscope.netlink.NlMsg;
import org.dropscope.netlink.NlPolicy;

/**
 * Decodes NET_DM_CMD_STATS_NEW into {@link NetDmMessage.Stats} (include/uapi/linux/net_dropmon.h;
 * net/core/drop_monitor.c, net_dm_stats_put and net_dm_hw_stats_put):
 * <pre>
 *   NET_DM_ATTR_STATS    (nested) { NET_DM_ATTR_STATS_DROPPED (type 0) u64 }
 *   NET_DM_ATTR_HW_STATS (nested) { NET_DM_ATTR_STATS_DROPPED (type 0) u64 }
 * </pre>
 * The counter is written with nla_put_u64_64bit, so inside each nest a NET_DM_ATTR_PAD attribute
 * (type 8) may come first on architectures that align 64-bit values; it is read past.
 */
public final class NetDmStatsDecoder {

    private static final NlPolicy<Counter> STATS = counter(NET_DM_ATTR_STATS.name());
    private static final NlPolicy<Counter> HW_STATS = counter(NET_DM_ATTR_HW_STATS.name());

    private static final NlPolicy<Builder> STATS_NEW = NlPolicy.<Builder>builder("NET_DM_CMD_STATS_NEW")
            .nested(NET_DM_ATTR_STATS.intValue(), NET_DM_ATTR_STATS.name(), (b, nest) -> STATS.parse(nest, b.sw))
            .nested(NET_DM_ATTR_HW_STATS.intValue(), NET_DM_ATTR_HW_STATS.name(),
                    (b, nest) -> HW_STATS.parse(nest, b.hw))
            .build();

    private NetDmStatsDecoder() {
    }

    /**
     * Decodes a framed NET_DM_CMD_STATS_NEW message (the reply to NET_DM_CMD_STATS_GET).
     *
     * @throws NetlinkDecoderException if its command is another, a nest or its counter is
     *     missing, or it is malformed
     */
    public static NetDmMessage.Stats decode(NlMsg msg) {
        msg.genlHeader().requireCommand(NetDmCmd.NET_DM_CMD_STATS_NEW.intValue(), "NET_DM_CMD_STATS_NEW");
        return decodeAttributes(msg.genlAttributes(0));
    }

    /** Decodes the attributes of a NET_DM_CMD_STATS_NEW message. */
    public static NetDmMessage.Stats decodeAttributes(NlAttrs attrs) {
        Builder b = new Builder();
        STATS_NEW.parse(attrs, b);
        for (Counter c : new Counter[] {b.sw, b.hw}) {
            if (!c.seen) {
                throw new NetlinkDecoderException("NET_DM_CMD_STATS_NEW without "
                        + (c == b.sw ? NET_DM_ATTR_STATS.name() : NET_DM_ATTR_HW_STATS.name())
                        + " / NET_DM_ATTR_STATS_DROPPED");
            }
        }
        return new NetDmMessage.Stats(b.sw.value, b.hw.value);
    }

    private static NlPolicy<Counter> counter(String nest) {
        return NlPolicy.<Counter>builder(nest)
                .u64(NET_DM_ATTR_STATS_DROPPED, "NET_DM_ATTR_STATS_DROPPED", (c, v) -> {
                    c.value = v;
                    c.seen = true;
                })
                .ignored(NET_DM_ATTR_PAD.intValue(), NET_DM_ATTR_PAD.name())
                .build();
    }

    private static final class Builder {
        final Counter sw = new Counter();
        final Counter hw = new Counter();
    }

    private static final class Counter {
        boolean seen;
        long value;
    }
}
