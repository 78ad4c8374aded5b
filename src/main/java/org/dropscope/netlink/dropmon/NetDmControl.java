// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import org.dropscope.netlink.GenlFamily;
import org.dropscope.netlink.NetlinkClient;
import org.dropscope.netlink.NetlinkKernelException;

/**
 * NET_DM's commands as calls (include/uapi/linux/net_dropmon.h; net/core/drop_monitor.c): each
 * builds its request with {@link NetDmRequests}, sends it through a {@link NetlinkClient} and
 * decodes the reply. Errors are the kernel's, as {@link NetlinkKernelException} with its errno and
 * extended-ACK text: EPERM without CAP_NET_ADMIN, EBUSY for CONFIG while monitoring, EAGAIN for
 * starting what already runs, EOPNOTSUPP for hardware drops without devlink.
 *
 * <p>Alerts are not read here: they are multicast to the family's {@code events} group, which a
 * reader joins on its own socket and decodes with {@link NetDmMessageDecoder}. Keeping requests on
 * a socket without group membership means an alert flood cannot push their answers out.
 *
 * <p>As thread-safe as its client: one thread at a time.
 */
public final class NetDmControl {

    private final NetlinkClient client;
    private final NetDmRequests requests;
    private final GenlFamily family;

    /**
     * @param family NET_DM as resolved on this kernel
     *     ({@link org.dropscope.netlink.GenlFamilyResolver})
     */
    public NetDmControl(NetlinkClient client, GenlFamily family, ByteBufAllocator alloc) {
        this.client = client;
        this.family = family;
        this.requests = new NetDmRequests(family, alloc);
    }

    /** The family this talks to. */
    public GenlFamily family() {
        return family;
    }

    /**
     * Starts monitoring. With neither flag set the kernel starts software monitoring (see
     * {@link NetDmRequests#start}).
     */
    public void start(boolean swDrops, boolean hwDrops) throws IOException {
        client.request("NET_DM_CMD_START", requests.start(swDrops, hwDrops), NetDmControl::unexpected);
    }

    /** Stops monitoring; same flags and default as {@link #start}. */
    public void stop(boolean swDrops, boolean hwDrops) throws IOException {
        client.request("NET_DM_CMD_STOP", requests.stop(swDrops, hwDrops), NetDmControl::unexpected);
    }

    /** Configures NET_DM; null leaves a setting unchanged (see {@link NetDmRequests#config}). */
    public void configure(Integer alertMode, Long truncLength, Long queueLength) throws IOException {
        client.request("NET_DM_CMD_CONFIG", requests.config(alertMode, truncLength, queueLength),
                NetDmControl::unexpected);
    }

    /** The current configuration (NET_DM_CMD_CONFIG_GET). */
    public NetDmMessage.Config config() throws IOException {
        return client.request("NET_DM_CMD_CONFIG_GET", requests.configGet(), NetDmConfigDecoder::decode).only();
    }

    /** NET_DM's tail-drop counters (NET_DM_CMD_STATS_GET). */
    public NetDmMessage.Stats stats() throws IOException {
        return client.request("NET_DM_CMD_STATS_GET", requests.statsGet(), NetDmStatsDecoder::decode).only();
    }

    /** START, STOP and CONFIG answer with an ACK only; any other message is decoded for the record. */
    private static NetDmMessage unexpected(org.dropscope.netlink.NlMsg msg) {
        return NetDmMessageDecoder.decode(msg);
    }
}
