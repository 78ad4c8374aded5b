// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.ToLongFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exact drop counts through the real shell process: dropscope is started as a child, told to
 * {@code start}, the test causes known UDP drops in its own network namespace, then {@code stop}
 * (which drains every drop before printing {@value ShellProcess#STOPPED}) and {@code exit}. The
 * expected numbers come from the kernel: the namespace's own Udp counters.
 *
 * <p>Drops of other processes, on the same lines or flooding the rings, are dealt with as
 * {@link Interference} explains.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class DropCountsIT {
    private static final int CLOSED_PORT_DATAGRAMS = 2000;
    private static final int FULL_BUFFER_DATAGRAMS = 5000;

    /** Where Linux drops a UDP datagram nobody listens for, and where one for a full socket. */
    private static final String UDP_RECEIVE = "__udp4_lib_rcv";
    private static final String UDP_QUEUE = "udp_queue_rcv_one_skb";

    @BeforeAll
    static void requirements() {
        ShellProcess.requireRootAndTools();
    }

    @Test
    void datagramsToAClosedPortAreExactlyTheNoSocketDropsAtTheUdpReceiveFunction() {
        Observed o = observe("noport", CLOSED_PORT_DATAGRAMS, UDP_RECEIVE, "NO_SOCKET", Netns.Traffic::noPorts);
        assertEquals(CLOSED_PORT_DATAGRAMS, o.traffic().sent(), "datagrams sent");
        assertEquals(CLOSED_PORT_DATAGRAMS, o.traffic().noPorts(), "Udp NoPorts of the test's network namespace");
        assertEquals(o.traffic().noPorts(), o.counted(),
                "NO_SOCKET drops at " + UDP_RECEIVE + " printed by dropscope\n" + o.transcript());
    }

    @Test
    void datagramsToAFullReceiveBufferAreExactlyTheKernelsRcvbufErrors() {
        Observed o = observe("rcvbuf", FULL_BUFFER_DATAGRAMS, UDP_QUEUE, "SOCKET_RCVBUFF",
                Netns.Traffic::rcvbufErrors);
        assertEquals(FULL_BUFFER_DATAGRAMS, o.traffic().sent(), "datagrams sent");
        long overflowed = o.traffic().rcvbufErrors();
        assertTrue(overflowed > 0 && overflowed < FULL_BUFFER_DATAGRAMS, "Udp RcvbufErrors of the test's network"
                + " namespace should count all but the few datagrams the smallest buffer holds: " + overflowed);
        assertEquals(overflowed, o.counted(),
                "SOCKET_RCVBUFF drops at " + UDP_QUEUE + " printed by dropscope\n" + o.transcript());
    }

    /** One run: what the traffic did to the kernel's counters, and what dropscope printed. */
    private record Observed(Netns.Traffic traffic, long counted, long lost, String transcript) {
    }

    private static Observed observe(String mode, int datagrams, String function, String reason,
            ToLongFunction<Netns.Traffic> kernelCount) {
        Observed o = Interference.repeatWhileDisturbed("DropCountsIT " + mode,
                () -> runOnce(mode, datagrams, function, reason),
                r -> Interference.of(r.counted(), kernelCount.applyAsLong(r.traffic()), r.lost()));
        assertEquals(0, o.lost(), "samples lost in the rings\n" + o.transcript());
        return o;
    }

    private static Observed runOnce(String mode, int datagrams, String function, String reason) {
        try (Netns net = Netns.create();
                MountNamespace mnt = MountNamespace.create(MountNamespace.TracefsState.UNMOUNTED);
                ShellProcess shell = ShellProcess.start(mnt.prefix())) {
            shell.send("start");
            int ready = shell.awaitLine(ShellProcess.ACTIVATED);
            Netns.Traffic traffic = net.send(mode, datagrams);
            ShellProcess.Ended end = shell.stopAndExit(ready);
            return new Observed(traffic, DropLine.sum(end.lines(), function, reason), end.lost(), shell.transcript());
        }
    }
}
