// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

/**
 * What the NET_DM guest's scenarios (src/test/netdm-vm/*.scenario) and their tools are called,
 * and what their traffic makes the kernel drop: the names the tests reading their results share.
 */
final class NetDmScenarios {
    /** Where Linux drops a UDP datagram nobody listens for, and one for a full socket, and why. */
    static final String UDP_RECEIVE = "__udp4_lib_rcv";
    static final String UDP_QUEUE = "udp_queue_rcv_one_skb";
    static final String NO_SOCKET = "NO_SOCKET";
    static final String SOCKET_RCVBUFF = "SOCKET_RCVBUFF";
    /** NET_DM_MAX_SYMBOL_LEN: the kernel's symbol buffer, NUL included (include/uapi/linux/net_dropmon.h). */
    static final int NET_DM_MAX_SYMBOL_LEN = 40;
    /** Every scenario's monitoring instance. */
    static final String MON = "mon";
    /** The tool that runs dropscope's subcommands (top, record) in a scenario. */
    static final String CLI_TOOL = "dropscope-cli";
    /** dump.scenario, and the tool that runs {@code dropscope dump} in it. */
    static final String DUMP_SCENARIO = "dump";
    static final String DUMP_TOOL = "dropscope-dump";

    private NetDmScenarios() {
    }
}
