// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.it.KnownDrops.DropKey;
import org.dropscope.names.Location;
import org.dropscope.record.ReadResult;
import org.dropscope.record.RecordFormat;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordNames;
import org.dropscope.record.RecordReader;
import org.dropscope.record.RecordVisitor;
import org.dropscope.record.SourceKind;
import org.dropscope.source.tracepoint.TracepointOptions;
import org.dropscope.testing.ProcFacts;
import org.dropscope.tracefs.TracepointFormat;

/**
 * {@code dropscope record} (the packaged jar) on the tracepoint while {@link KnownDrops} are
 * caused in a private network namespace: the recording, the file read back with
 * {@code RecordReader} and {@code RecordNames}, and the checks every clean recording passes. For
 * {@link RecordIT} and for the tests of other readers of the same file ({@code report}).
 */
final class Recordings {
    /** How a recording ends: SIGTERM, or its {@code --duration}. */
    enum Ending { SIGTERM, DURATION }

    /**
     * One recording: the file, what it must hold per (symbol, reason) (the kernel's own counts),
     * and how dropscope ran.
     *
     * @param perfWhileRecording perf event fds and ring mappings dropscope held while recording
     * @param outlasted why the traffic may have missed the recording (it outlasted {@code --duration}), or null
     */
    record Recorded(Path file, Map<DropKey, Long> expected, int exit, List<String> stdout, String stderr,
            int[] perfWhileRecording, String outlasted, String transcript, boolean countsHotKeys) {
    }

    /**
     * Whether a recording with {@code args} counts hot keys in the kernel: unless
     * {@code --hot-threshold 0} asks for a sample per drop.
     */
    static boolean countsHotKeys(List<String> args) {
        int i = args.indexOf("--hot-threshold");
        return i < 0 || !args.get(i + 1).equals("0");
    }

    /**
     * The {@code --duration} of an attempt, in seconds: it fixes the recording's length in advance,
     * and the traffic (child JVMs) must end within it. A run the traffic outlasted is repeated with
     * twice the duration.
     */
    private static int durationSeconds(int attempt) {
        return 8 << (attempt - 1);
    }

    /**
     * A record file's contents, by kind.
     *
     * @param stacked events whose stack id names a recorded, non-empty kernel call chain
     * @param counted per (symbol, reason), its events of more than one drop: those of keys counted
     *     in the kernel (a sample is one drop)
     */
    record FileDrops(RecordHeader header, ReadResult result, Map<DropKey, Long> counts, long stacked,
            Map<DropKey, Long> counted) {
    }

    /** {@link RecordHeader#HOT_KEYS_PROPERTY} of a recording at the default --hot-threshold. */
    static final String HOT_KEYS = "counted in the kernel from " + TracepointOptions.DEFAULT_HOT_THRESHOLD
            + " drops/s: such events carry the drops counted between two reads, at the read's time";

    private Recordings() {
    }

    /**
     * Records the tracepoint with {@code extraArgs} while causing {@code datagrams} in a namespace
     * of its own; a run that other processes disturbed is repeated ({@link Interference}).
     */
    static Recorded recordKnownDrops(Path dir, KnownDrops.Datagrams datagrams, Ending ending, String... extraArgs) {
        return Interference.repeatWhileDisturbed("RecordIT", attempt -> recordOnce(dir.resolve("run" + attempt),
                datagrams, ending, attempt, extraArgs), r -> {
                    if (r.outlasted() != null) {
                        return r.outlasted();
                    }
                    FileDrops f = read(r.file());
                    return KnownDrops.disturbance(r.expected(), f.counts(), f.result().lost());
                });
    }

    /**
     * A tracepoint recording into {@code dir} (created): its file, its ready file, and the
     * arguments of {@code dropscope record} that name them.
     */
    record Run(Path file, Path ready, List<String> args) {
        static Run in(Path dir) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path file = dir.resolve("drops.dsr");
            Path ready = dir.resolve("ready");
            return new Run(file, ready, new ArrayList<>(List.of("record", "-o", file.toString(), "--source",
                    "tracepoint", "--ready-file", ready.toString())));
        }
    }

    private static Recorded recordOnce(Path dir, KnownDrops.Datagrams datagrams, Ending ending, int attempt,
            String... extraArgs) {
        Run run = Run.in(dir);
        Path file = run.file();
        Path ready = run.ready();
        List<String> args = run.args();
        int seconds = durationSeconds(attempt);
        if (ending == Ending.DURATION) {
            args.addAll(List.of("--duration", seconds + "s"));
        }
        args.addAll(List.of(extraArgs));
        int cpus = ProcFacts.onlineCpus().size();
        boolean counting = countsHotKeys(args);
        // A counting group per CPU: the leader, HOT_KEYS + 1 samplers, HOT_KEYS counters; one ring.
        int eventsPerCpu = counting ? 2 * TracepointOptions.HOT_KEYS + 2 : 1;
        try (KnownDrops drops = KnownDrops.create();
                ShellProcess p = ending == Ending.DURATION ? ShellProcess.startProbe(List.of(), args.toArray(new String[0]))
                        : ShellProcess.start(List.of(), args.toArray(new String[0]))) {
            awaitFile(ready, p);
            String pid = Long.toString(p.pid());
            int[] perf = {ProcFacts.perfFds(pid), ProcFacts.perfMappings(pid)};
            assertEquals(cpus * eventsPerCpu, perf[0], "perf event descriptors while recording, " + eventsPerCpu
                    + " per CPU\n" + p.transcript());
            assertEquals(cpus, perf[1], "perf ring mappings while recording, one per CPU\n" + p.transcript());
            Map<DropKey, Long> expected = drops.cause(datagrams);
            String outlasted = null;
            if (ending == Ending.SIGTERM) {
                p.signal("TERM");
            } else if (!p.isAlive()) {
                outlasted = "the traffic outlasted --duration " + seconds + "s (a slow machine); a longer duration";
            }
            int exit = p.awaitExit(Commands.TIMEOUT.plusSeconds(seconds));
            Map<DropKey, Long> placed = exit == 0 ? KnownDrops.placed(expected, read(file).counts()) : expected;
            return new Recorded(file, placed, exit, p.stdout(), p.stderr(), perf, outlasted, p.transcript(), counting);
        }
    }

    /** The checks every recording passes; returns what the file holds. */
    static FileDrops assertCleanRecording(Recorded r) throws IOException {
        assertNull(r.outlasted(), r.transcript());
        assertEquals(0, r.exit(), r.transcript());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(r.file())), "file mode");
        FileDrops f = read(r.file());
        assertTrue(f.result().complete(), "complete file: " + f.result() + "\n" + r.transcript());
        assertEquals(0, f.result().lost(), "lost events\n" + r.transcript());
        assertTracepointFacts(f.header(), r.countsHotKeys());
        assertEquals(ProcFacts.sysctl("kernel/osrelease"), f.header().kernelRelease());
        String summary = "dropscope: recorded " + f.result().drops() + " drops (" + f.result().events() + " events, 0"
                + " lost) in " + (f.result().blocks()) + " blocks, " + Files.size(r.file()) + " bytes, to " + r.file();
        List<String> err = r.stderr().lines().toList();
        assertEquals(2, err.size(), "stderr: the start line and the summary\n" + r.transcript());
        assertTrue(err.get(0).startsWith("dropscope: recording drops from tracepoint skb:kfree_skb"), r.transcript());
        assertEquals(summary, err.get(1), r.transcript());
        return f;
    }

    /**
     * What the tracepoint source said about itself ({@code DropSource.facts()}) reached the header:
     * its kind, its CLOCK_MONOTONIC sample times, the running kernel's kfree_skb format (the one
     * its description names by id), CPU ids for every online CPU, with stacks (-g) how they were
     * taken, and unless {@code --hot-threshold 0} that keys were counted in the kernel from the
     * default threshold (their hot drops then share the stacks their counters sampled).
     */
    private static void assertTracepointFacts(RecordHeader h, boolean counting) throws IOException {
        assertEquals(SourceKind.TRACEPOINT, h.source());
        assertEquals(RecordFormat.CLOCK_MONOTONIC, h.clock().id(), "the clock of the sample times");
        TracepointFormat format = TracepointFormat.parse(new StringReader(h.tracepointFormat()));
        assertEquals("kfree_skb", format.name(), "the tracepoint format in the header");
        assertTrue(h.sourceDescription().startsWith("tracepoint skb:kfree_skb (id " + format.id() + ","),
                "the description names the format's tracepoint: " + h.sourceDescription());
        int lastOnline = ProcFacts.onlineCpus().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(h.cpus() > lastOnline, "CPU ids " + h.cpus() + " cover online CPU " + lastOnline);
        String sampling = counting ? "cold keys every drop, hot keys 1 in " + TracepointOptions.DEFAULT_STACK_PERIOD
                : RecordHeader.STACKS_OF_EVERY_DROP;
        Map<String, String> expected = new HashMap<>();
        if (h.sourceDescription().endsWith(", kernel stacks (" + sampling + ")")) {
            expected.put(RecordHeader.STACKS_PROPERTY, sampling);
        }
        if (counting) {
            expected.put(RecordHeader.HOT_KEYS_PROPERTY, HOT_KEYS);
        }
        assertEquals(expected, h.properties(), "the tracepoint's properties: " + h.sourceDescription());
    }

    /** Reads a record file: its header, result, and drops by (symbol, reason) as the file names them. */
    static FileDrops read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            RecordReader reader = new RecordReader(in);
            RecordHeader header = reader.header();
            RecordNames names = new RecordNames();
            Map<DropKey, Long> counts = new TreeMap<>(Comparator.comparing(DropKey::toString));
            Map<DropKey, Long> counted = new TreeMap<>(Comparator.comparing(DropKey::toString));
            long[] stacked = {0};
            ReadResult result = reader.read(names.feeding(new RecordVisitor() {
                @Override
                public void drop(DropEvent e) {
                    List<Location> frames = e.stackId() < 0 ? null : names.stack(e.stackId());
                    if (frames != null && !frames.isEmpty()) {
                        stacked[0]++;
                    }
                    String symbol = e.origin() == DropOrigin.HARDWARE ? names.trap((int) e.location())
                            : names.symbol(e.location());
                    String reason = names.reason(e.reason());
                    DropKey key = new DropKey(symbol == null ? "0x" + Long.toHexString(e.location()) : symbol,
                            reason == null ? "-" : reason);
                    counts.merge(key, e.count(), Long::sum);
                    if (e.count() > 1) {
                        counted.merge(key, 1L, Long::sum);
                    }
                }
            }));
            return new FileDrops(header, result, counts, stacked[0], counted);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Waits until dropscope's {@code --ready-file} exists; fails if dropscope ends first or takes too long. */
    static void awaitFile(Path path, ShellProcess p) {
        awaitReadyFile(path, p::isAlive, p::transcript);
    }

    /** As {@link #awaitFile}, for a dropscope process that {@code running} tells about. */
    static void awaitReadyFile(Path path, BooleanSupplier running, Supplier<String> context) {
        Commands.waitUntil(() -> {
            if (Files.exists(path)) {
                return true;
            }
            if (!running.getAsBoolean() && !Files.exists(path)) {
                fail("dropscope ended without creating its ready file " + path + "\n" + context.get());
            }
            return false;
        }, Commands.TIMEOUT, "the ready file " + path, context);
    }
}
