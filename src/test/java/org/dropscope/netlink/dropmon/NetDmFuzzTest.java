// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink.dropmon;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.dropscope.netlink.NetlinkDecoderException;
import org.dropscope.testing.FuzzTarget;
import org.dropscope.testing.Fuzzing;

/**
 * Fuzz target: a file of NET_DM messages read with {@link NetDmMessageDecoder#decode(ByteBuf)},
 * which picks the decoder by command, so every NET_DM message kind (summary alert, packet alert,
 * config, stats, any other command) is reached. Oracle: only {@link NetlinkDecoderException};
 * after one the next message is read unless the nlmsghdr itself was bad; every message decoded
 * prints; the input buffer neither kept nor released.
 */
public class NetDmFuzzTest extends FuzzTarget {
    static final List<String> FIXTURES = List.of("netdm-6.1-alert-summary.bin", "netdm-6.1-packet-alert-whole.bin",
            "netdm-6.1-packet-alert-truncated.bin", "netdm-6.1-config-new.bin", "netdm-6.1-stats-new.bin",
            "netdm-6.1-config-request-alert-mode.bin", "netdm-6.1-start-request.bin");

    @Override
    public List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        FIXTURES.forEach(f -> seeds.add(Fuzzing.resource("/fixtures/netlink/" + f)));
        List<BiConsumer<ByteBuf, Map<String, Integer>>> built = List.of(NetDmFixtures::softwarePacketAlert,
                NetDmFixtures::hardwarePacketAlert, NetDmFixtures::paddedPacketAlert, NetDmFixtures::softwareSummary,
                NetDmFixtures::hardwareSummary);
        for (BiConsumer<ByteBuf, Map<String, Integer>> b : built) {
            ByteBuf buf = Unpooled.buffer();
            b.accept(buf, new HashMap<>());
            seeds.add(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        return seeds;
    }

    @Override
    public void fuzzOne(byte[] data) {
        Fuzzing.inBuffer(data, buf -> {
            while (buf.isReadable()) {
                int at = buf.readerIndex();
                NetDmMessage m;
                try {
                    m = NetDmMessageDecoder.decode(buf);
                } catch (NetlinkDecoderException e) {
                    if (buf.readerIndex() == at) {
                        return;
                    }
                    continue;
                }
                if (m == null) {
                    return;
                }
                assertNotNull(m.command());
                assertNotNull(m.toString());
            }
        });
    }
}
