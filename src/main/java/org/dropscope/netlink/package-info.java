// SPDX-License-Identifier: Apache-2.0
/**
 * Netlink and generic netlink (netlink(7); include/uapi/linux/netlink.h and genetlink.h), one
 * decoder per wire format: {@link org.dropscope.netlink.NlMsgDecoder} frames {@code nlmsghdr},
 * {@link org.dropscope.netlink.NlAttrDecoder} and {@link org.dropscope.netlink.NlAttrs} read
 * {@code nlattr}s through declarative {@link org.dropscope.netlink.NlPolicy} tables,
 * {@link org.dropscope.netlink.NlMsgErrDecoder} reads {@code nlmsgerr} with its extended ACK;
 * {@link org.dropscope.netlink.NlMsgBuilder} writes requests. {@link org.dropscope.netlink.NetlinkClient}
 * sends a request and reads its answer over a {@link org.dropscope.netlink.NetlinkTransport}
 * (the real socket or a test's), and {@link org.dropscope.netlink.GenlFamilyResolver} asks nlctrl
 * for a family's id, never hard-coded.
 *
 * <p>May use {@code nativeio} (the socket, errno names) and Netty ({@code io.netty.buffer}).
 */
package org.dropscope.netlink;
