// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.dropscope.it.NetDmScenarios.NO_SOCKET;
import static org.dropscope.it.NetDmScenarios.UDP_RECEIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code dropscope report --format json} on the NET_DM captures written in the guest (the boot
 * {@link NetDmVm} shares): dropscope dump's own pcap (dump.scenario) and Debian's dwdump output
 * (dwdump.scenario), each made while 50 datagrams went to a closed port. The packet alerts at the
 * UDP receive function, reason NO_SOCKET, must number the namespace's Udp NoPorts.
 */
@Tag("kernel")
class ReportPcapIT {
    @ParameterizedTest
    @CsvSource({"dump, dropscope-dump, dump.pcap", "dwdump, dwdump, dwdump.pcap"})
    void aNetDmCaptureReportsEveryClosedPortDropUnderItsReason(String scenario, String tool, String file) {
        VmScenario s = NetDmVm.results().scenario(scenario, tool).assertRan();
        Path capture = s.dir().resolve(file);
        long noPorts = s.traffic().get(0).delta("NoPorts");
        assertEquals(50, noPorts, "Udp NoPorts of the namespace");
        ReportJson r = ReportJson.of(capture);
        assertEquals(noPorts, r.count(UDP_RECEIVE, NO_SOCKET), () -> capture + ": " + r.json());
        assertEquals("pcap", r.json().get("input").asText(), r.json()::toString);
        assertEquals(0, r.lost(), "lost alerts");
        assertTrue(r.total() >= noPorts, () -> "total " + r.total());
    }
}
