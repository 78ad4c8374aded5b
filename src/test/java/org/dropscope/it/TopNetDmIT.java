// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.dropscope.it.NetDmScenarios.NO_SOCKET;
import static org.dropscope.it.NetDmScenarios.SOCKET_RCVBUFF;
import static org.dropscope.it.NetDmScenarios.UDP_QUEUE;
import static org.dropscope.it.NetDmScenarios.UDP_RECEIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code top --batch} on NET_DM: top.scenario in the NET_DM guest (Debian's 6.1, the boot
 * {@link NetDmVm} shares with every NET_DM test) ran top with summary alerts, then with packet
 * alerts, while datagrams went to a closed port and to a full socket, and ended each with SIGTERM
 * once it had counted them. The last block of each run is compared with the namespace's Udp
 * counters.
 */
@Tag("kernel")
class TopNetDmIT {
    static final String SCENARIO = "top";

    private static VmScenario scenario;
    private static List<VmScenario.Traffic> traffic;

    @BeforeAll
    static void read() {
        scenario = NetDmVm.results().scenario(SCENARIO, NetDmScenarios.CLI_TOOL).assertRan();
        traffic = scenario.traffic();
        assertEquals(3, traffic.size(), "traffic steps of top.scenario");
    }

    @Test
    void withSummaryAlertsTheLastBlockCountsEveryClosedPortDrop() {
        List<String> out = scenario.output("sum");
        TopBlock last = TopBlock.last(out);
        long noPorts = traffic.get(0).delta("NoPorts");
        assertEquals(200, noPorts, "Udp NoPorts of the namespace");
        assertEquals(noPorts, last.count(UDP_RECEIVE, null), () -> "last block:\n" + String.join("\n", out));
        assertEquals(0, last.lostTotal(), "lost alerts");
        assertTrue(last.header().contains("NET_DM"), last.header());
        assertEquals(0, scenario.exitCode("sum"), "exit code after SIGTERM");
    }

    @Test
    void withPacketAlertsTheLastBlockCountsEachDropUnderItsReason() {
        List<String> out = scenario.output("pkt");
        TopBlock last = TopBlock.last(out);
        long noPorts = traffic.get(1).delta("NoPorts");
        long rcvbuf = traffic.get(2).delta("RcvbufErrors");
        assertEquals(150, noPorts, "Udp NoPorts of the namespace");
        assertTrue(rcvbuf > 0, "the full socket dropped datagrams");
        String shown = "last block:\n" + String.join("\n", out);
        assertEquals(noPorts, last.count(UDP_RECEIVE, NO_SOCKET), shown);
        assertEquals(rcvbuf, last.count(UDP_QUEUE, SOCKET_RCVBUFF), shown);
        assertEquals(noPorts + rcvbuf, last.count(UDP_RECEIVE, null) + last.count(UDP_QUEUE, null),
                () -> "drops at the two UDP points under other reasons\n" + shown);
        assertEquals(0, last.lostTotal(), "lost alerts");
        assertEquals(0, scenario.exitCode("pkt"), "exit code after SIGTERM");
    }
}
