// SPDX-License-Identifier: Apache-2.0
/**
 * The NET_DM generic netlink protocol of the kernel's drop monitor (include/uapi/linux/net_dropmon.h;
 * net/core/drop_monitor.c), what dropwatch speaks: commands and attributes as open enums
 * ({@link org.dropscope.netlink.dropmon.NetDmCmd}, {@link org.dropscope.netlink.dropmon.NetDmAttr}),
 * one decoder per message kind (summary alert, packet alert, config, stats) behind
 * {@link org.dropscope.netlink.dropmon.NetDmMessageDecoder}, the requests
 * ({@link org.dropscope.netlink.dropmon.NetDmRequests}) and the commands as calls
 * ({@link org.dropscope.netlink.dropmon.NetDmControl}).
 *
 * <p>May use {@code netlink} and Netty ({@code io.netty.buffer}); it opens no socket itself.
 */
package org.dropscope.netlink.dropmon;
