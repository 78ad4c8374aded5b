// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hot keys counted in the kernel on the other kernel the tests have: hotkeys.scenario ran the
 * shell on the tracepoint in the NET_DM guest (Debian's 6.1, the boot {@link NetDmVm} shares with
 * every NET_DM test) while datagrams went alternately to a closed port and to a full socket. As
 * {@link HotKeysIT} on this machine's kernel: every drop counted once or reported lost (the guest's
 * vCPUs are threads of a busy host, and its reader may fall behind), both keys handed to the
 * kernel's counters during the traffic. The traffic went on until the shell's stats said so, and
 * then for 5000 drops of each key more: how much it sent depends on the guest's speed.
 */
@Tag("kernel")
class HotKeysGuestIT {
    private static final String UDP_RECEIVE = "__udp4_lib_rcv";
    private static final String UDP_QUEUE = "udp_queue_rcv_one_skb";

    private static VmScenario scenario;

    @BeforeAll
    static void read() {
        scenario = NetDmVm.results().scenario("hotkeys", "dropscope-cli").assertRan();
    }

    @Test
    void keysHandedToTheKernelsCountersAreCountedExactlyOnceOn61() {
        List<VmScenario.Traffic> traffic = scenario.traffic();
        assertEquals(1, traffic.size(), "traffic steps of hotkeys.scenario");
        long sent = traffic.get(0).sent();
        long noPorts = traffic.get(0).delta("NoPorts");
        long rcvbuf = traffic.get(0).delta("RcvbufErrors");
        // The sender alternates, a closed port first, and reads the full socket's few datagrams at the end.
        assertEquals((sent + 1) / 2, noPorts, "Udp NoPorts of the namespace, of " + sent);
        assertTrue(rcvbuf > sent / 2 - 100, "Udp RcvbufErrors of the namespace: " + rcvbuf + " of " + sent);
        // The traffic went on for 5000 drops of each key after both were handed over.
        assertTrue(noPorts > 5_000 && rcvbuf > 5_000, "the traffic ended before the hand-over: " + sent);
        List<String> out = scenario.output("hk");
        String shown = String.join("\n", out);
        int stopped = IntStream.range(0, out.size()).filter(i -> out.get(i).endsWith(DropwatchText.STOPPED)).findFirst()
                .orElseThrow(() -> new AssertionError("no stop line:\n" + shown));
        List<DropLine> lines = DropLine.parse(out);
        long noSocket = sum(lines, UDP_RECEIVE, "NO_SOCKET");
        long rcvbuff = sum(lines, UDP_QUEUE, "SOCKET_RCVBUFF");
        long lost = out.stream().filter(l -> l.matches("all\\s+\\d+\\s+\\d+")).mapToLong(l -> Long.parseLong(
                l.substring(l.lastIndexOf(' ') + 1))).reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("no 'all EVENTS LOST' line of stats:\n" + shown));
        assertTrue(noSocket <= noPorts && rcvbuff <= rcvbuf, "more drops printed than the namespace counted:\n" + shown);
        // With nothing lost, this and the line above make both counts exact; the guest has no other traffic.
        assertEquals(noPorts + rcvbuf, noSocket + rcvbuff + lost, "drops printed plus samples lost vs the namespace's"
                + " Udp NoPorts + RcvbufErrors:\n" + shown);
        // The stats after stop: the ones asked during the traffic said 2 already, or the runner would not have gone on.
        assertTrue(out.subList(stopped, out.size()).contains("keys counted in the kernel: 2"),
                "both keys in the kernel's counters, and no other:\n" + shown);
        assertEquals(0, scenario.exitCode("hk"), "exit code");
    }

    /** The guest's addresses are not this machine's: lines are matched by function name. */
    private static long sum(List<DropLine> lines, String function, String reason) {
        return lines.stream().filter(l -> l.function().equals(function) && l.reason().equals(reason))
                .mapToLong(DropLine::count).sum();
    }
}
