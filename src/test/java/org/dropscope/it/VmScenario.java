// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one run of a scenario file with one tool left in the guest's results
 * ({@code RESULTS/SCENARIO/TOOL/}, written by scripts/netdm-vm/scenarios, which describes the
 * files): the outcome, every instance's output, the steps, and the kernel's counters around each
 * traffic step.
 */
final class VmScenario {
    private final String name;
    private final String tool;
    private final Path dir;

    /** One step of steps.log and the notes the runner added ("line 7", "target 10", "exit 0"). */
    record Step(int number, String line, List<String> notes) {
        String keyword() {
            return line.split(" ", 2)[0];
        }

        String instance() {
            String[] w = line.split(" ");
            return w.length > 1 ? w[1] : "";
        }

        /** Whether the step is a traffic step (run at once or started in the background), not its end. */
        boolean startsTraffic() {
            return keyword().equals("traffic") && !line.equals("traffic end");
        }

        /** The output line (1-based) an expect or repeat step matched, or 0. */
        int matchedLine() {
            return notes.stream().filter(n -> n.startsWith("line ")).mapToInt(n -> Integer.parseInt(n.substring(5)))
                    .findFirst().orElse(0);
        }
    }

    /** One traffic step: UdpTraffic's arguments and output, and the namespace's Udp counters around it. */
    record Traffic(int number, String command, List<String> output, Map<String, Long> before,
            Map<String, Long> after) {
        long delta(String udpCounter) {
            return after.get(udpCounter) - before.get(udpCounter);
        }

        /** The datagrams UdpTraffic says it sent. */
        long sent() {
            return output.stream().filter(l -> l.startsWith("sent ")).mapToLong(l -> Long.parseLong(l.substring(5)))
                    .findFirst().orElseThrow(() -> new AssertionError("no 'sent' line from UdpTraffic " + command));
        }
    }

    /**
     * One monitoring session of an instance: its output from {@value DropwatchText#ACTIVATED} to
     * {@value DropwatchText#STOPPED} (or the end), where that starts in the whole output, and the
     * traffic steps run meanwhile.
     */
    record Session(int start, List<String> lines, List<Traffic> traffic) {
        long delta(String udpCounter) {
            return traffic.stream().mapToLong(t -> t.delta(udpCounter)).sum();
        }
    }

    VmScenario(Path results, String name, String tool) {
        this.name = name;
        this.tool = tool;
        this.dir = results.resolve(name).resolve(tool);
    }

    String name() {
        return name;
    }

    String tool() {
        return tool;
    }

    Path dir() {
        return dir;
    }

    String status() {
        return Files.exists(dir.resolve("status")) ? lines("status").get(0) : "no results (did the scenario run?)";
    }

    /** Fails the test, with the scenario's story, unless the scenario ran to its end. */
    VmScenario assertRan() {
        assertEquals("ok", status(), () -> "scenario " + name + " with " + tool + "\n" + describe());
        return this;
    }

    List<String> output(String instance) {
        return lines(instance + ".out");
    }

    List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        for (String l : lines("steps.log")) {
            if (l.startsWith("   ")) {
                steps.get(steps.size() - 1).notes().add(l.trim());
            } else {
                String[] f = l.split("\t", 3);
                steps.add(new Step(Integer.parseInt(f[0]), f[2], new ArrayList<>()));
            }
        }
        return steps;
    }

    List<Traffic> traffic() {
        List<Traffic> all = new ArrayList<>();
        for (int k = 1; Files.exists(dir.resolve("traffic-" + k + ".cmd")); k++) {
            String p = "traffic-" + k;
            all.add(new Traffic(k, lines(p + ".cmd").get(0), lines(p + ".out"),
                    Netns.udpCounters(lines(p + ".before")), Netns.udpCounters(lines(p + ".after"))));
        }
        return all;
    }

    /** The monitoring sessions of {@code instance}, in order, with the traffic each saw. */
    List<Session> sessions(String instance) {
        List<String> out = output(instance);
        List<int[]> bounds = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).equals(DropwatchText.ACTIVATED)) {
                int end = i + 1;
                while (end < out.size() && !out.get(end).equals(DropwatchText.STOPPED)) {
                    end++;
                }
                bounds.add(new int[] {i, end});
            }
        }
        List<List<Traffic>> traffic = new ArrayList<>();
        bounds.forEach(b -> traffic.add(new ArrayList<>()));
        List<Traffic> all = traffic();
        int position = -1;
        int next = 0;
        for (Step s : steps()) {
            if (s.matchedLine() > 0 && s.instance().equals(instance)) {
                position = s.matchedLine() - 1;
            } else if (s.startsTraffic()) {
                Traffic t = all.get(next++);
                for (int i = 0; i < bounds.size(); i++) {
                    if (bounds.get(i)[0] <= position && position < bounds.get(i)[1]) {
                        traffic.get(i).add(t);
                    }
                }
            }
        }
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < bounds.size(); i++) {
            int[] b = bounds.get(i);
            sessions.add(new Session(b[0], out.subList(b[0], b[1]), traffic.get(i)));
        }
        return sessions;
    }

    /** The single session of {@code instance}; fails unless there is exactly one. */
    Session onlySession(String instance) {
        List<Session> sessions = sessions(instance);
        assertEquals(1, sessions.size(), () -> "monitoring sessions of " + instance + "\n" + describe());
        return sessions.get(0);
    }

    /** The ifindex of the scenario namespace's loopback (netns.txt: "1: lo: ..."). */
    int loopbackIfindex() {
        String line = lines("netns.txt").get(0);
        assertTrue(line.matches("\\d+: lo: .*"), "netns.txt: " + line);
        return Integer.parseInt(line.substring(0, line.indexOf(':')));
    }

    /** The drops of the sockets recorded by the K-th netlink step (the Drops column, summed). */
    long socketDrops(int k) {
        List<String> rows = lines("netlink-" + k + ".txt");
        assertTrue(rows.size() >= 2 && rows.get(0).contains("Drops"), "netlink-" + k + ".txt: " + rows);
        int column = List.of(rows.get(0).trim().split("\\s+")).indexOf("Drops");
        return rows.subList(1, rows.size()).stream().mapToLong(r -> Long.parseLong(r.trim().split("\\s+")[column]))
                .sum();
    }

    /** The output of dropwatch putting NET_DM's configuration back after the run. */
    List<String> netdmReset() {
        return lines("netdm-reset.txt");
    }

    /**
     * NET_DM as the tool left it, before the runner's reset: dropwatch's {@code show}, then its
     * attempt to set the queue length that show reported, which the kernel refuses (EBUSY) only
     * while monitoring is still on.
     */
    List<String> netdmAfter() {
        return lines("netdm-after.txt");
    }

    /** The exit code of {@code instance} as the wait step recorded it, or of a case an sh step ran. */
    int exitCode(String instance) {
        return Integer.parseInt(lines(instance + ".exit").get(0).trim());
    }

    Path capture() {
        return dir.resolve("capture.pcap");
    }

    /** The status, the steps and the end of every output: for failure messages. */
    String describe() {
        StringBuilder s = new StringBuilder("status: " + status() + "\nresults: " + dir + "\n");
        if (Files.exists(dir.resolve("steps.log"))) {
            s.append("steps:\n").append(String.join("\n", lines("steps.log"))).append('\n');
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".out")).sorted().toList()) {
                List<String> l = lines(f.getFileName().toString());
                s.append("--- ").append(f.getFileName()).append(" (last 40 of ").append(l.size()).append(" lines)\n")
                        .append(String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size()))).append('\n');
            }
        } catch (IOException e) {
            s.append("(cannot list ").append(dir).append(": ").append(e).append(")\n");
        }
        return s.toString();
    }

    /** The lines of a file the run left in its result directory. */
    List<String> lines(String file) {
        try {
            return Files.readAllLines(dir.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + dir.resolve(file), e);
        }
    }
}
