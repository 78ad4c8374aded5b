// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A private network namespace with only loopback up, named uniquely for this test JVM, deleted on
 * {@link #close()}. Traffic and counters are read inside it: {@code /proc/net/snmp} is per
 * network namespace, so its Udp counters count only what the test caused.
 */
final class Netns implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String name;
    private boolean deleted;

    private Netns(String name) {
        this.name = name;
    }

    /** Adds the namespace and brings its loopback up. */
    static Netns create() {
        String name = "dropscope-it-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        Commands.check("ip", "netns", "add", name);
        Netns ns = new Netns(name);
        try {
            Commands.check("ip", "-n", name, "link", "set", "lo", "up");
        } catch (RuntimeException | AssertionError e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** Runs {@code command} inside the namespace. */
    Commands.Result exec(List<String> command) {
        return Commands.run(Commands.concat(List.of("ip", "netns", "exec", name), command));
    }

    /** The namespace's own Udp counters from /proc/net/snmp, by name (NoPorts, RcvbufErrors, ...). */
    Map<String, Long> udpCounters() {
        return udpCounters(exec(List.of("cat", "/proc/net/snmp")).checked().stdoutLines());
    }

    /** The Udp counters of a /proc/net/snmp text, by name; also for copies saved elsewhere. */
    static Map<String, Long> udpCounters(List<String> snmp) {
        List<String> udp = snmp.stream().filter(l -> l.startsWith("Udp: ")).toList();
        assertEquals(2, udp.size(), "expected a Udp header and a Udp value line in /proc/net/snmp: " + udp);
        String[] names = udp.get(0).split("\\s+");
        String[] values = udp.get(1).split("\\s+");
        assertEquals(names.length, values.length, "Udp lines of /proc/net/snmp: " + udp);
        Map<String, Long> counters = new HashMap<>();
        for (int i = 1; i < names.length; i++) {
            counters.put(names[i], Long.parseLong(values[i]));
        }
        return counters;
    }

    /** Whether both Udp NoPorts and RcvbufErrors grew by {@code n} or more from {@code before} to {@code now}. */
    static boolean bothGrew(Map<String, Long> before, Map<String, Long> now, long n) {
        return now.get("NoPorts") - before.get("NoPorts") >= n && now.get("RcvbufErrors") - before.get("RcvbufErrors") >= n;
    }

    /** One run of {@link UdpTraffic} in the namespace, with the counter changes it caused. */
    record Traffic(int sent, long noPorts, long rcvbufErrors) {
    }

    /** Runs {@link UdpTraffic} {@code mode count} in the namespace and reads the counters around it. */
    Traffic send(String mode, int count) {
        Map<String, Long> before = udpCounters();
        Commands.Result r = exec(UdpTraffic.command(mode, Integer.toString(count))).checked();
        return traffic(before, r.stdoutLines(), r.describe());
    }

    /**
     * Starts {@link UdpTraffic} {@code --until-eof mode atMost} in the namespace: it sends until
     * {@link Flow#finish()}, or {@code atMost} datagrams, whichever comes first.
     */
    Flow startSending(String mode, int atMost) {
        Map<String, Long> before = udpCounters();
        List<String> c = Commands.concat(List.of("ip", "netns", "exec", name), UdpTraffic.command("--until-eof", mode,
                Integer.toString(atMost)));
        return new Flow(before, ShellProcess.startCommand(c));
    }

    /** Traffic that goes on, in the background, until the test has seen what it is for. */
    final class Flow implements AutoCloseable {
        private final Map<String, Long> before;
        private final ShellProcess sender;

        private Flow(Map<String, Long> before, ShellProcess sender) {
            this.before = before;
            this.sender = sender;
        }

        /** The sender's command, whether it still runs (it stops by itself at its upper bound) and its output. */
        String describe() {
            return sender.transcript();
        }

        /** Stops the sender and returns what it sent and the counter changes since it started. */
        Traffic finish() {
            sender.closeInput();
            assertEquals(0, sender.awaitExit(), sender.transcript());
            return traffic(before, sender.stdout(), sender.transcript());
        }

        /** Kills the sender if it still runs (a test that failed before {@link #finish()}). */
        @Override
        public void close() {
            sender.close();
        }
    }

    /** The traffic UdpTraffic reported (its line {@code sent N}) and the counters since {@code before}. */
    private Traffic traffic(Map<String, Long> before, List<String> stdout, String describe) {
        Map<String, Long> after = udpCounters();
        String sent = stdout.stream().filter(l -> l.startsWith("sent ")).findFirst()
                .orElseThrow(() -> new AssertionError("UdpTraffic printed no 'sent' line: " + describe));
        return new Traffic(Integer.parseInt(sent.substring("sent ".length())),
                delta(before, after, "NoPorts"), delta(before, after, "RcvbufErrors"));
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String counter) {
        assertTrue(before.containsKey(counter) && after.containsKey(counter), "no Udp " + counter + " counter");
        return after.get(counter) - before.get(counter);
    }

    /** Deletes the namespace; idempotent. */
    @Override
    public void close() {
        if (deleted) {
            return;
        }
        deleted = true;
        Commands.check("ip", "netns", "delete", name);
    }
}
