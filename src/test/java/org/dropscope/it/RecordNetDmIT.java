// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.dropscope.it.NetDmScenarios.NO_SOCKET;
import static org.dropscope.it.NetDmScenarios.SOCKET_RCVBUFF;
import static org.dropscope.it.NetDmScenarios.UDP_QUEUE;
import static org.dropscope.it.NetDmScenarios.UDP_RECEIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code dropscope record} on NET_DM: record.scenario in the NET_DM guest (Debian's 6.1, the boot
 * {@link NetDmVm} shares) recorded packet alerts while datagrams went to a closed port and to a
 * full socket (ended by SIGTERM), then summary alerts while datagrams went to a closed port (ended
 * by Ctrl-C). Both files are read with {@code report --format json} on this machine, as one reads
 * a recording made elsewhere, and compared with the namespace's Udp counters.
 */
@Tag("kernel")
class RecordNetDmIT {
    static final String SCENARIO = "record";

    private static VmScenario scenario;
    private static List<VmScenario.Traffic> traffic;

    @BeforeAll
    static void read() {
        scenario = NetDmVm.results().scenario(SCENARIO, NetDmScenarios.CLI_TOOL).assertRan();
        traffic = scenario.traffic();
        assertEquals(3, traffic.size(), "traffic steps of record.scenario");
    }

    @Test
    void packetAlertsAreRecordedOneEventPerDropWithItsReason() throws IOException {
        Path file = scenario.dir().resolve("packet.dsr");
        long noPorts = traffic.get(0).delta("NoPorts");
        long rcvbuf = traffic.get(1).delta("RcvbufErrors");
        assertEquals(100, noPorts, "Udp NoPorts of the namespace");
        assertTrue(rcvbuf > 0, "the full socket dropped datagrams");
        ReportJson r = ReportJson.of(file);
        assertEquals(noPorts, r.count(UDP_RECEIVE, NO_SOCKET), r.json()::toString);
        assertEquals(rcvbuf, r.count(UDP_QUEUE, SOCKET_RCVBUFF), r.json()::toString);
        assertRecording(r, file, "pkt");
    }

    @Test
    void summaryAlertsAreRecordedAsCountsPerDropPoint() throws IOException {
        Path file = scenario.dir().resolve("summary.dsr");
        long noPorts = traffic.get(2).delta("NoPorts");
        assertEquals(120, noPorts, "Udp NoPorts of the namespace");
        ReportJson r = ReportJson.of(file);
        // Summary alerts carry no reason.
        assertEquals(noPorts, r.count(UDP_RECEIVE, "null"), r.json()::toString);
        assertRecording(r, file, "sum");
    }

    /** A whole file from NET_DM, 0600, nothing lost, and the run ended cleanly saying what it wrote. */
    private static void assertRecording(ReportJson r, Path file, String instance) throws IOException {
        assertEquals("netdm", r.json().get("source").asText(), r.json()::toString);
        assertTrue(r.complete(), () -> "the file ends with its end record and has no damage: " + r.json());
        assertEquals(0, r.lost(), "lost alerts");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(0, scenario.exitCode(instance), () -> String.join("\n", scenario.output(instance)));
        String said = String.join("\n", scenario.output(instance));
        assertTrue(said.contains("dropscope: recorded " + r.total() + " drops ("), said);
    }
}
