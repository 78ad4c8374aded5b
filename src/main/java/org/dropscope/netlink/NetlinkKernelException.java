// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

/**
 * The kernel refused a request: it answered with an NLMSG_ERROR carrying a negative errno, and
 * perhaps an extended-ACK text (netlink(7)).
 *
 * <p>{@link #getMessage()} reads {@code "CTRL_CMD_GETFAMILY: kernel said: Invalid argument
 * (EINVAL): Attribute failed policy validation"}: what was asked, then {@link NlMsgErr#render()}.
 * The errno stays machine-readable through {@link #errno()}, so callers can tell EPERM (missing
 * CAP_NET_ADMIN) from EBUSY (NET_DM configured while monitoring) from ENOENT.
 */
public class NetlinkKernelException extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    private final transient NlMsgErr error;

    /**
     * @param request what was asked, {@code "NET_DM_CMD_START"}
     * @param error the kernel's answer; its error must be negative
     */
    public NetlinkKernelException(String request, NlMsgErr error) {
        super(request + ": " + error.render());
        if (error.isAck()) {
            throw new IllegalArgumentException("an ACK is not an error");
        }
        this.error = error;
    }

    /** The decoded NLMSG_ERROR. */
    public NlMsgErr error() {
        return error;
    }

    /** The positive errno. */
    public int errno() {
        return error.errno();
    }

    /** The symbolic errno name, {@code "ENOENT"}. */
    public String errnoName() {
        return error.errnoName();
    }

    /** The kernel's extended-ACK text, or null if it sent none. */
    public String extackMessage() {
        return error.message();
    }
}
