// SPDX-License-Identifier: Apache-2.0
/**
 * Classic pcap files (pcap-savefile(5)) of LINKTYPE_NETLINK records
 * (https://www.tcpdump.org/linktypes/LINKTYPE_NETLINK.html), as nlmon captures, dwdump and
 * {@code dropscope dump} write them: {@link org.dropscope.pcap.PcapWriter},
 * {@link org.dropscope.pcap.PcapReader}, the framing in {@link org.dropscope.pcap.NetlinkPcap},
 * and {@link org.dropscope.pcap.Rereadable}, a capture that can be read twice in bounded memory
 * (a pipe is spooled).
 *
 * <p>May use Netty ({@code io.netty.buffer}), and nothing of the project: it knows netlink only
 * as bytes.
 */
package org.dropscope.pcap;
