// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_FAMILY_ID;
import static org.dropscope.netlink.NetlinkLayout.CTRL_ATTR_FAMILY_NAME;
import static org.dropscope.netlink.NetlinkLayout.CTRL_CMD_GETFAMILY;
import static org.dropscope.netlink.NetlinkLayout.GENL_ID_CTRL;
import static org.dropscope.netlink.NetlinkLayout.GENL_NAMSIZ;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.dropscope.nativeio.Errno;

/**
 * Looks generic netlink families up by name or id through the controller, "nlctrl"
 * (CTRL_CMD_GETFAMILY; include/uapi/linux/genetlink.h, net/netlink/genetlink.c). Never hard-code
 * a family id or a multicast group id: only GENL_ID_CTRL is fixed.
 *
 * <p>A lookup by name makes the kernel try to load a module aliased
 * {@code net-pf-16-proto-16-family-NAME} first (drop_monitor.ko declares one for NET_DM), which
 * is why the client's timeout is generous. An unknown family is a
 * {@link GenlFamilyNotFoundException}: the kernel's ENOENT (without extended-ACK text on
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
     * @throws GenlFamilyNotFoundException if the kernel has no such family (ENOENT)
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
     * The family with id {@code id}.
     *
     * @throws GenlFamilyNotFoundException if the kernel has no such family (ENOENT)
     */
    public GenlFamily resolve(int id) throws IOException {
        if (id < 0 || id > 0xffff) {
            throw new IllegalArgumentException("family id " + id + " (expected: a u16)");
        }
        return lookup("id " + id, getFamily(alloc.buffer(), id));
    }

    private GenlFamily lookup(String what, ByteBuf request) throws IOException {
        try {
            return client.request("CTRL_CMD_GETFAMILY " + what, request, GenlFamilyDecoder::decode).only();
        } catch (NetlinkKernelException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new GenlFamilyNotFoundException(what, e);
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

    /** Writes a CTRL_CMD_GETFAMILY request by id into {@code out}. */
    public static ByteBuf getFamily(ByteBuf out, int id) {
        return NlMsgBuilder.start(out, GENL_ID_CTRL, 0)
                .genl(CTRL_CMD_GETFAMILY, CTRL_REQUEST_VERSION)
                .u16(CTRL_ATTR_FAMILY_ID, id)
                .finish();
    }
}
