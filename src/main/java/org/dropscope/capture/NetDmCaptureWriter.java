// SPDX-License-Identifier: Apache-2.0
package org.dropscope.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import org.dropscope.netlink.NetlinkClient;
import org.dropscope.netlink.NlMsg;
import org.dropscope.pcap.NetlinkPcap;
import org.dropscope.pcap.PcapWriter;

/**
 * Appends netlink messages, byte for byte as they were received, to a LINKTYPE_NETLINK pcap, each
 * stamped with the time it is written: what {@code dropscope dump} and dwdump write, and
 * {@link NetDmReplay} reads back. The first failed write is kept and ends the capture: nothing
 * is written after it, so the file holds whole records up to the failure.
 *
 * <p>One thread at a time. The pcap writer stays the caller's to close.
 */
public final class NetDmCaptureWriter implements AutoCloseable {
    private final PcapWriter out;
    private final Clock clock;
    /** One message at a time, copied out of the receive buffer for the writer. */
    private final ByteBuf scratch = Unpooled.buffer(NetlinkClient.DEFAULT_BUFFER_SIZE);
    private IOException failure;

    public NetDmCaptureWriter(PcapWriter out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    /**
     * Appends {@code msg} as received.
     *
     * @return whether it was written: false once a write has failed, this one or an earlier one
     */
    public boolean write(NlMsg msg) {
        if (failure != null) {
            return false;
        }
        Instant now = clock.instant();
        scratch.clear();
        msg.encode(scratch);
        try {
            // Packet type 4 (outgoing) for every message, as dwdump and nlmon captures have it.
            out.write(now.getEpochSecond() * 1_000_000L + now.getNano() / 1000, NetlinkPcap.PACKET_OUTGOING, scratch);
            return true;
        } catch (IOException e) {
            failure = e;
            return false;
        }
    }

    /** Why writing stopped, or {@code null} while every write has succeeded. */
    public IOException failure() {
        return failure;
    }

    /** Releases the scratch buffer. Idempotent. */
    @Override
    public void close() {
        if (scratch.refCnt() > 0) {
            scratch.release();
        }
    }
}
