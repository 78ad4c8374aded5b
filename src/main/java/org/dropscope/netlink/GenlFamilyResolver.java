// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_FAMILY_NAME;
import static org.dropscope.netlink.NetlinkLayout.CTRL_CMD_GETFAMILY;
import static org.dropscope.netlink.NetlinkLayout.GENL_ID_CTRL;
import static org.dropscope.netlink.NetlinkLayout.GENL_NAMSIZ;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.dropscope.nativeio.Errno;

/**
 * Looks generic netlink families up by name or id through the controller, "nlctrl"
 * (CTRL_CMD_GETFAMILY; include/uapi/linux/genetlink.h, net/netlink/genetlink.c). Never hard-code
 * a family id or a multicast group id: only GENL_ID_CTRL is fixed.
 *
 * <p>A lookup by name makes the kernel try to load a module aliased
 * {@code net-pf-16-proto-16-family-NAME} first (drop_monitor.ko declares one for NET_DM), which
 * is why the client's timeout is generous. An unknown family is a
 * {@link FamilyNotFoundException}: the kernel's ENOENT (without extended-ACK text on
 * 6.x kernels).
 */
public final class GenlFamilyResolver {

    /**
     * The genlmsghdr version put in requests. nlctrl does not check it; libnl sends 1, and so do
     * we.
     */
    static final int CTRL_REQUEST_VERSION = 1;

    private final NetlinkClient client;
    private final ByteBufAllocator alloc;

    public GenlFamilyResolver(NetlinkClient client, ByteBufAllocator alloc) {
        this.client = client;
        this.alloc = alloc;
    }

    /**
     * The family called {@code name}.
     *
     * @throws IllegalArgumentException if the name cannot be a family name (empty, or longer
     *     than GENL_NAMSIZ - 1 bytes)
     * @throws FamilyNotFoundException if the kernel has no such family (ENOENT)
     * @throws NetlinkKernelException for any other refusal
     */
    public GenlFamily resolve(String name) throws IOException {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes >= GENL_NAMSIZ) {
            throw new IllegalArgumentException("generic netlink family name \"" + name + "\": " + bytes
                    + " bytes (expected: 1 to " + (GENL_NAMSIZ - 1) + ")");
        }
        return lookup(name, getFamily(alloc.buffer(), name));
    }

    /**
     * Every family the kernel has, as nlctrl sends them: CTRL_CMD_GETFAMILY as a dump, each
     * CTRL_CMD_NEWFAMILY reply handed to {@code each} as it is (decode it with
     * {@link GenlFamilyDecoder}), then the NLMSG_DONE that ends the dump. A capture that starts
     * with these lets Wireshark name every family id that follows (dwdump writes them for that).
     *
     * @param each gets each message, valid only during the call
     * @return the number of messages, NLMSG_DONE included
     */
    public int dumpFamilies(Consumer<NlMsg> each) throws IOException {
        return client.dump("CTRL_CMD_GETFAMILY dump", getFamilies(alloc.buffer()), each);
    }

    private GenlFamily lookup(String what, ByteBuf request) throws IOException {
        try {
            return client.request("CTRL_CMD_GETFAMILY " + what, request, GenlFamilyDecoder::decode).only();
        } catch (NetlinkKernelException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new FamilyNotFoundException(what, e);
            }
            throw e;
        }
    }

    /** Writes a CTRL_CMD_GETFAMILY request by name into {@code out}. */
    public static ByteBuf getFamily(ByteBuf out, String name) {
        return NlMsgBuilder.start(out, GENL_ID_CTRL, 0)
                .genl(CTRL_CMD_GETFAMILY, CTRL_REQUEST_VERSION)
                .string(CTRL_ATTR_FAMILY_NAME, name)
                .finish();
    }

    /** Writes a CTRL_CMD_GETFAMILY request for all families into {@code out}: send it as a dump. */
    public static ByteBuf getFamilies(ByteBuf out) {
        return NlMsgBuilder.start(out, GENL_ID_CTRL, NetlinkLayout.NLM_F_DUMP)
                .genl(CTRL_CMD_GETFAMILY, CTRL_REQUEST_VERSION)
                .finish();
    }

    /**
     * The generic netlink controller does not know a family: it answered CTRL_CMD_GETFAMILY with
     * ENOENT (net/netlink/genetlink.c, ctrl_getfamily). For NET_DM this means the kernel was built
     * without CONFIG_NET_DROP_MONITOR, the drop_monitor module could not be loaded, or the caller is
     * outside the initial network namespace (NET_DM does not set netnsok).
     */
    public static final class FamilyNotFoundException extends NetlinkKernelException {
        private static final long serialVersionUID = 1L;

        private final String family;

        /**
         * @param family the name (or "id N") looked up
         * @param cause the kernel's ENOENT for the lookup
         */
        public FamilyNotFoundException(String family, NetlinkKernelException cause) {
            super("generic netlink family " + family + " not found", cause.error());
            this.family = family;
            initCause(cause);
        }

        /** The family name (or "id N") that was looked up. */
        public String family() {
            return family;
        }
    }
}
