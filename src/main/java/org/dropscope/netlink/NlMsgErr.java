// SPDX-License-Identifier: Apache-2.0
package org.dropscope.netlink;

import java.util.OptionalInt;
import org.dropscope.nativeio.Errno;

/**
 * The kernel's answer to a request: the payload of an NLMSG_ERROR message ({@code struct
 * nlmsgerr}, include/uapi/linux/netlink.h; netlink(7)), decoded by {@link NlMsgErrDecoder}. An
 * {@code error} of 0 is an ACK; a negative one is {@code -errno}.
 *
 * <p>With NETLINK_EXT_ACK set on the socket the kernel may add extended-ACK attributes
 * (NLM_F_ACK_TLVS in the message's flags): a text ({@code NLMSGERR_ATTR_MSG}), the byte offset in
 * the request of the attribute it blames ({@code NLMSGERR_ATTR_OFFS}), and, when a required
 * attribute is missing, its type and the offset of the nest it was missing from
 * ({@code NLMSGERR_ATTR_MISS_TYPE}, {@code NLMSGERR_ATTR_MISS_NEST}). A successful ACK may carry a
 * text too, as a warning.
 *
 * @param error 0, or a negative errno
 * @param request the header of the request this answers (its nlmsg_len is the request's length,
 *     even when the request body was not echoed)
 * @param message the extended-ACK text, or null
 * @param offset NLMSGERR_ATTR_OFFS: offset of the offending attribute from the start of the
 *     request's nlmsghdr
 * @param missingType NLMSGERR_ATTR_MISS_TYPE: the type of a required attribute that was absent
 * @param missingNest NLMSGERR_ATTR_MISS_NEST: offset of the nest it was absent from
 */
public record NlMsgErr(int error, NlMsgHeader request, String message, OptionalInt offset,
        OptionalInt missingType, OptionalInt missingNest) {

    /** An error (or ACK) without extended-ACK attributes. */
    public NlMsgErr(int error, NlMsgHeader request) {
        this(error, request, null, OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());
    }

    /** Whether this is a successful ACK. */
    public boolean isAck() {
        return error == 0;
    }

    /** The positive errno, 0 for an ACK. */
    public int errno() {
        return -error;
    }

    /** The errno's symbolic name, {@code "ENOENT"}; {@code "OK"} for an ACK. */
    public String errnoName() {
        return error == 0 ? "OK" : Errno.name(errno());
    }

    /**
     * One line for people: {@code "kernel said: Invalid argument (EINVAL): Attribute failed
     * policy validation"}, or without the last part when the kernel sent no text. An ACK reads
     * {@code "kernel said: OK"} (plus a warning text if there is one).
     */
    public String render() {
        StringBuilder sb = new StringBuilder("kernel said: ");
        if (error == 0) {
            sb.append("OK");
        } else {
            sb.append(Errno.description(errno())).append(" (").append(errnoName()).append(')');
        }
        if (message != null && !message.isEmpty()) {
            sb.append(": ").append(message);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("nlmsgerr[").append(render()).append(", seq=")
                .append(Integer.toUnsignedString(request.seq()));
        offset.ifPresent(o -> sb.append(", offset=").append(o));
        missingType.ifPresent(t -> sb.append(", missing type=").append(t));
        missingNest.ifPresent(n -> sb.append(", in nest at=").append(n));
        return sb.append(']').toString();
    }
}
