// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.dropscope.testing.FuzzTarget;
import org.dropscope.testing.Fuzzing;

/**
 * Fuzz target: a netlink datagram through {@link NlMsgDecoder#forEach}, every message's
 * attributes walked with {@link NlAttrDecoder} (nested ones too, to the depth limit), and each
 * message also offered to {@link GenlFamilyDecoder} and, if NLMSG_ERROR, {@link NlMsgErrDecoder}.
 * Oracle: only {@link NetlinkDecoderException}; the input buffer neither kept nor released; a
 * framed message encodes back to exactly its bytes.
 */
public class NetlinkFuzzTest extends FuzzTarget {
    /** The captured netlink fixtures: requests, replies, errors, alerts. */
    static final List<String> FIXTURES = List.of("net_dm-enoent-6.18.bin", "netdm-6.1-ack.bin",
            "netdm-6.1-alert-summary.bin", "netdm-6.1-config-new.bin", "netdm-6.1-ctrl-getfamily-reply.bin",
            "netdm-6.1-ctrl-getfamily-request.bin", "netdm-6.1-error-ebusy.bin", "netdm-6.1-packet-alert-whole.bin",
            "netdm-6.1-stats-new.bin", "nlctrl-einval-extack-6.18.bin", "nlctrl-getfamily-6.18.bin");

    @Override
    public List<byte[]> seeds() {
        return FIXTURES.stream().map(f -> Fuzzing.resource("/fixtures/netlink/" + f)).toList();
    }

    @Override
    public void fuzzOne(byte[] data) {
        Fuzzing.inBuffer(data, buf -> {
            try {
                NlMsgDecoder.forEach(buf, NetlinkFuzzTest::message);
            } catch (NetlinkDecoderException e) {
                assertTrue(!buf.isReadable(), "forEach leaves nothing readable");
            }
        });
    }

    private static void message(NlMsg msg) {
        ByteBuf again = Unpooled.buffer();
        try {
            msg.encode(again);
            assertArrayEquals(ByteBufUtil.getBytes(msg.payload()),
                    ByteBufUtil.getBytes(again, NetlinkLayout.NLMSG_HDRLEN, again.readableBytes() - NetlinkLayout.NLMSG_HDRLEN));
        } finally {
            again.release();
        }
        try {
            walk(NlAttrs.of(msg.payload().slice()));
        } catch (NetlinkDecoderException e) {
            // documented
        }
        try {
            walk(msg.genlAttributes(0));
        } catch (NetlinkDecoderException e) {
            // documented
        }
        try {
            GenlFamilyDecoder.decode(msg);
        } catch (NetlinkDecoderException e) {
            // documented
        }
        if (msg.type() == NetlinkLayout.NLMSG_ERROR) {
            try {
                NlMsgErrDecoder.decode(msg);
            } catch (NetlinkDecoderException e) {
                // documented
            }
        }
    }

    /** Every attribute, nested ones too: each payload read as nested attributes until that fails. */
    private static void walk(NlAttrs attrs) {
        for (NlAttr a = attrs.next(); a != null; a = attrs.next()) {
            a.bytes();
            if (attrs.depth() < attrs.maxDepth()) {
                try {
                    walk(attrs.nested(a));
                } catch (NetlinkDecoderException e) {
                    // not nested after all, or malformed: documented
                }
            }
        }
    }
}
