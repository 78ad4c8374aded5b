// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.dropscope.it.Recordings.FileDrops;
import org.dropscope.record.RecordHeader;
import org.dropscope.source.tracepoint.TracepointOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code dropscope record} (the packaged jar) as a user starts it, on the real kernel, while
 * closed-port and full-buffer drops go on together in a namespace until the file holds counted
 * events of both keys (events of more than one drop: the keys were handed to the kernel's
 * counters), and then {@value #AFTER_COUNTED} more drops of each. {@code report} of the file then
 * gives per key what the kernel counted: its counts plus the events lost equal the namespace's
 * Udp NoPorts and RcvbufErrors; the header says the keys were counted
 * ({@link RecordHeader#HOT_KEYS_PROPERTY}) and report notes it. With {@code -g} too, whose
 * counted keys' stacks are sampled.
 *
 * <p>The recording's kernel filter keeps the two reasons, so that other processes' drops elsewhere
 * take no counter; their drops of these reasons make a run disturbed, and it runs again.
 */
@ExtendWith(MachineLock.class)
@Tag("kernel")
class RecordHotKeysIT {
    private static final long AFTER_COUNTED = 20_000;
    private static final Duration TRAFFIC_BOUND = Duration.ofSeconds(60);
    private static final String UDP_RECEIVE = "__udp4_lib_rcv";
    private static final String UDP_QUEUE = "udp_queue_rcv_one_skb";

    @TempDir
    Path dir;

    @BeforeAll
    static void requirements() {
        KnownDrops.requireRootAndTools();
    }

    private record Observed(Netns.Traffic traffic, FileDrops file, ReportJson report, String reportErr,
            String transcript) {
        long noSocket() {
            return report.count(UDP_RECEIVE, "NO_SOCKET");
        }

        long rcvbuff() {
            return report.count(UDP_QUEUE, "SOCKET_RCVBUFF");
        }

        String disturbance() {
            return Interference.ofAccounting(noSocket() + rcvbuff(), report.lost(),
                    traffic.noPorts() + traffic.rcvbufErrors());
        }
    }

    @ParameterizedTest(name = "record {0}")
    @ValueSource(strings = {"", "-g"})
    void countedKeysAreExactInTheFileAndItsReport(String options) {
        Observed o = Interference.repeatWhileDisturbed("RecordHotKeysIT",
                attempt -> run(dir.resolve("run" + attempt), options), Observed::disturbance);
        FileDrops f = o.file();
        System.out.println("RecordHotKeysIT " + options + ": " + o.traffic().sent() + " datagrams, "
                + f.result().drops() + " drops in " + f.result().events() + " events, " + o.report().lost()
                + " lost; counted events " + f.counted());
        assertTrue(f.result().complete(), "complete file: " + f.result() + "\n" + o.transcript());
        assertTrue(f.counted().getOrDefault(KnownDrops.NO_SOCKET, 0L) > 0
                && f.counted().getOrDefault(KnownDrops.SOCKET_RCVBUFF, 0L) > 0,
                "counted events of both keys: " + f.counted());
        assertEquals(Recordings.HOT_KEYS, f.header().properties().get(RecordHeader.HOT_KEYS_PROPERTY));
        if (!options.isEmpty()) {
            assertEquals("cold keys every drop, hot keys 1 in " + TracepointOptions.DEFAULT_STACK_PERIOD,
                    f.header().properties().get(RecordHeader.STACKS_PROPERTY));
        }
        assertEquals(f.counts().get(KnownDrops.NO_SOCKET), o.noSocket(), "report and file, NO_SOCKET");
        assertEquals(f.counts().get(KnownDrops.SOCKET_RCVBUFF), o.rcvbuff(), "report and file, SOCKET_RCVBUFF");
        assertTrue(o.reportErr().contains(": keys " + Recordings.HOT_KEYS), "report's note: " + o.reportErr());
        assertTrue(o.noSocket() <= o.traffic().noPorts(), "NO_SOCKET drops " + o.noSocket()
                + ", more than Udp NoPorts " + o.traffic().noPorts());
        assertTrue(o.rcvbuff() <= o.traffic().rcvbufErrors(), "SOCKET_RCVBUFF drops " + o.rcvbuff()
                + ", more than Udp RcvbufErrors " + o.traffic().rcvbufErrors());
        assertEquals(o.traffic().noPorts() + o.traffic().rcvbufErrors(), o.noSocket() + o.rcvbuff()
                + o.report().lost(), "drops in the report (" + o.noSocket() + " + " + o.rcvbuff() + ") plus events"
                + " lost (" + o.report().lost() + ") vs the namespace's Udp NoPorts + RcvbufErrors");
    }

    private static Observed run(Path dir, String options) {
        Recordings.Run run = Recordings.Run.in(dir);
        Path file = run.file();
        Path ready = run.ready();
        List<String> args = run.args();
        args.addAll(List.of("--filter", "reason == NO_SOCKET || reason == SOCKET_RCVBUFF"));
        if (!options.isEmpty()) {
            args.add(options);
        }
        Netns.Traffic traffic;
        String transcript;
        try (Netns net = Netns.create(); ShellProcess record = ShellProcess.start(List.of(), args.toArray(String[]::new))) {
            Recordings.awaitFile(ready, record);
            try (Netns.Flow flow = net.startSending("mixed", UdpTraffic.MAX_COUNT)) {
                // A block is written once it is a second old: the file shows the hand-over soon after.
                Commands.waitUntil(() -> countedBoth(Recordings.read(file)), TRAFFIC_BOUND,
                        "counted events of both keys in the file while the drops went on",
                        () -> Recordings.read(file).counted() + "\n" + flow.describe() + "\n" + record.transcript());
                Map<String, Long> counted = net.udpCounters();
                Commands.waitUntil(() -> grew(counted, net.udpCounters()), TRAFFIC_BOUND,
                        AFTER_COUNTED + " more drops of each key once counted", flow::describe);
                traffic = flow.finish();
            }
            record.signal("TERM");
            assertEquals(0, record.awaitExit(), record.transcript());
            transcript = record.transcript();
        }
        Commands.Result r = Commands.run(ChildJvm.java("-jar", ShellProcess.jar().toString(), "report", "--format",
                "json", file.toString())).checked();
        return new Observed(traffic, Recordings.read(file), ReportJson.parse(r.stdout(), r.describe()), r.stderr(),
                transcript);
    }

    private static boolean countedBoth(FileDrops f) {
        return f.counted().containsKey(KnownDrops.NO_SOCKET) && f.counted().containsKey(KnownDrops.SOCKET_RCVBUFF);
    }

    /** Whether both Udp counters grew by {@value #AFTER_COUNTED} since {@code before}. */
    private static boolean grew(Map<String, Long> before, Map<String, Long> now) {
        return now.get("NoPorts") - before.get("NoPorts") >= AFTER_COUNTED
                && now.get("RcvbufErrors") - before.get("RcvbufErrors") >= AFTER_COUNTED;
    }
}
