// SPDX-License-Identifier: Apache-2.0
package org.dropscope.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.dropscope.event.AlertListener;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.event.PacketDrop;
import org.dropscope.names.DropNames;
import org.dropscope.record.SourceKind;
import org.dropscope.source.DropSource;
import org.dropscope.source.EventClock;
import org.dropscope.source.NetDmSettings;
import org.dropscope.source.SourceException;
import org.dropscope.testing.FakeSource;
import org.junit.jupiter.api.Test;

/** The shell over NET_DM: dropwatch's settings commands and its alert-by-alert printing. */
class ShellNetDmTest {
    private static final long PC = 0xffffffff9a8a8f42L;
    private static final Function<DropSource, DropNames> NAMES = FakeSource.udpNames(PC);

    private final StringWriter out = new StringWriter();
    private final List<String> calls = new ArrayList<>();

    /** Records what the shell asked of NET_DM; EBUSY for configuration while "monitoring". */
    private final NetDmSettings settings = new NetDmSettings() {
        private Config config = new Config(false, 0, 1000);
        boolean busy;

        @Override
        public Config config() {
            return config;
        }

        @Override
        public void setPacketMode(boolean packet) throws SourceException {
            check("mode " + packet);
            config = new Config(packet, config.truncLength(), config.queueLength());
        }

        @Override
        public void setTruncLength(long bytes) throws SourceException {
            check("trunc " + bytes);
            config = new Config(config.packetMode(), bytes, config.queueLength());
        }

        @Override
        public void setQueueLength(long packets) throws SourceException {
            check("queue " + packets);
            config = new Config(config.packetMode(), config.truncLength(), packets);
        }

        @Override
        public void setMonitored(boolean software, boolean hardware) {
            calls.add("monitored " + software + " " + hardware);
        }

        @Override
        public Stats stats() {
            return new Stats(7, 0);
        }

        private void check(String call) throws SourceException {
            if (call.equals("queue 13")) {
                throw new SourceException(SourceException.Kind.SYSTEM, "Device or resource busy; the kernel refuses"
                        + " configuration while monitoring: stop first");
            }
            calls.add(call);
        }
    };

    private List<String> run(String script, DropSource source) throws Exception {
        BufferedReader r = new BufferedReader(new StringReader(script));
        Shell sh = new Shell(prompt -> r.readLine(), new PrintWriter(out), new PrintWriter(new StringWriter()),
                () -> source, settings, NAMES, new Shell.Settings("NET_DM", "kas", 10_000));
        assertEquals(ShellEnd.EXITED, sh.run());
        return out.toString().lines().toList();
    }

    @Test
    void settingsCommandsPrintDropwatchsLines() throws Exception {
        List<String> l = run("set alertmode packet\nset trunc 64\nset queue 10\nset sw true\nset hw 0\nset sw maybe\n"
                + "set queue 13\nshow\nstats\n", null);
        assertEquals(List.of(
                "Setting alert mode",
                "Alert mode successfully set",
                "Setting truncation length to 64",
                "Truncation length successfully set",
                "Setting queue length to 10",
                "Queue length successfully set",
                "setting software drops monitoring to 1",
                "setting hardware drops monitoring to 0",
                "invalid boolean value",
                "Setting queue length to 13",
                "Failed config request, error: Device or resource busy; the kernel refuses configuration while"
                        + " monitoring: stop first",
                "Getting existing configuration",
                "Alert mode: Packet",
                "Truncation length: 64",
                "Queue length: 10"), l.subList(0, 15));
        assertTrue(l.containsAll(List.of("Getting statistics",
                "Software statistics:", "Tail dropped: 7", "Hardware statistics:", "Tail dropped: 0")), l.toString());
        assertEquals(List.of("mode true", "trunc 64", "queue 10", "monitored true false", "monitored true false"), calls);
    }

    @Test
    void alertsArePrintedAsTheyArriveAndTheLimitEndsTheirMessageFirst() throws Exception {
        FakeSource src = alertSource(false);
        List<String> l = run("set alertlimit 2\nstart\nexit\n", src);
        int activated = l.indexOf("Kernel monitoring activated.");
        assertEquals(List.of(
                "Issue Ctrl-C to stop monitoring",
                "5 drops at __udp4_lib_rcv+9a2 (0xffffffff9a8a8f42) [software]",
                "1 drops at location (nil) [software]",
                "Alert limit reached, deactivating!",
                // dropwatch finishes the message in which the limit is reached
                "3 drops at ingress_vlan_filter [hardware]",
                "Deactivation requested, turning off monitoring",
                "Got a stop message",
                "Shutting down ..."), l.subList(activated + 1, l.size()));
        assertEquals(1, src.closes.get());
    }

    @Test
    void packetAlertsPrintDropwatchsBlocks() throws Exception {
        FakeSource src = alertSource(true);
        List<String> l = run("set alertlimit 1\nstart\nexit\n", src);
        int activated = l.indexOf("Kernel monitoring activated.");
        assertEquals(List.of(
                "Issue Ctrl-C to stop monitoring",
                "drop at: __udp4_lib_rcv+0x9a2/0xe60 (0xffffffff9a8a8f42)",
                "origin: software",
                "input port ifindex: 1",
                "drop reason: NO_SOCKET",
                "",
                "Alert limit reached, deactivating!"), l.subList(activated + 1, activated + 8));
    }

    /** A NET_DM-like source: 5 drops, then two summary alerts (or two packet alerts) as soon as it starts. */
    private static FakeSource alertSource(boolean packetMode) {
        return new FakeSource("fake NET_DM", 1).kind(SourceKind.NETDM, EventClock.CLOCK_REALTIME)
                .dropsAtStart(0, PC, DropSink.NO_REASON, 5)
                .alerting(alerts -> {
                    long a = PacketDrop.ABSENT;
                    if (packetMode) {
                        for (int i = 0; i < 2; i++) {
                            alerts.packet(new PacketDrop(0, PC, "__udp4_lib_rcv+0x9a2/0xe60", "NO_SOCKET", 1, null,
                                    null, a, PacketDrop.ABSENT_INT, a, a, null, null));
                        }
                        return;
                    }
                    alerts.summary(List.of(new AlertListener.SummaryEntry(DropOrigin.SOFTWARE, PC, null, 5),
                            new AlertListener.SummaryEntry(DropOrigin.SOFTWARE, 0, null, 1),
                            new AlertListener.SummaryEntry(DropOrigin.HARDWARE, 0, "ingress_vlan_filter", 3)));
                    alerts.summary(List.of(new AlertListener.SummaryEntry(DropOrigin.SOFTWARE, PC, null, 2)));
                });
    }
}
