// SPDX-License-Identifier: Apache-2.0
/**
 * NET_DM captures without a live source: {@link org.dropscope.capture.NetDmCaptureWriter} writes
 * netlink messages as received into a LINKTYPE_NETLINK pcap (for {@code dump}),
 * {@link org.dropscope.capture.NetDmReplay} reads such a pcap back into NET_DM's messages, the
 * family id found in the capture itself, and {@link org.dropscope.capture.NetDmEvents} turns decoded
 * alerts into the events and alert entries the live source hands on too
 * (include/uapi/linux/net_dropmon.h).
 *
 * <p>May use {@code pcap}, {@code netlink}, {@code netlink.dropmon}, {@code event}, {@code nativeio}
 * (netlink's constants) and Netty ({@code io.netty.buffer}); never a live source, so that offline
 * code (report, replay) may use it.
 */
package org.dropscope.capture;
