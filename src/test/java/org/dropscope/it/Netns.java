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

    /** One run of {@link UdpTraffic} in the namespace, with the counter changes it caused. */
    record Traffic(int sent, long noPorts, long rcvbufErrors) {
    }

    /** Runs {@link UdpTraffic} {@code mode count} in the namespace and reads the counters around it. */
    Traffic send(String mode, int count) {
        Map<String, Long> before = udpCounters();
        Commands.Result r = exec(ChildJvm.java("-cp", ChildJvm.testClasses().toString(), UdpTraffic.class.getName(),
                mode, Integer.toString(count))).checked();
        Map<String, Long> after = udpCounters();
        String sent = r.stdoutLines().stream().filter(l -> l.startsWith("sent ")).findFirst()
                .orElseThrow(() -> new AssertionError("UdpTraffic printed no 'sent' line: " + r.describe()));
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
