// SPDX-License-Identifier: Apache-2.0
/**
 * The kernel's drop monitor, NET_DM (include/uapi/linux/net_dropmon.h), as a drop source:
 * {@link org.dropscope.source.netdm.NetDmConnection}, the control socket open for the shell's
 * life that puts back the configuration it found; {@link org.dropscope.source.netdm.NetDmSource},
 * a session reading an {@link org.dropscope.source.netdm.AlertChannel} on its own thread; and
 * {@link org.dropscope.source.netdm.NetDmDump}, {@code dump}'s live capture. Sockets come from
 * {@link org.dropscope.source.netdm.NetDmSockets}, which tests replace; what the kernel dropped
 * on a socket is read from /proc/net/netlink ({@link org.dropscope.source.netdm.ProcNetNetlink}).
 *
 * <p>May use {@code source}, {@code netlink}, {@code netlink.dropmon}, {@code capture},
 * {@code pcap}, {@code nativeio}, {@code aggregate}, {@code event}, {@code record}, {@code names}
 * and Netty ({@code io.netty.buffer}).
 */
package org.dropscope.source.netdm;
