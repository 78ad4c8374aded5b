// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.testing.KernelTestSupport;

/**
 * The NET_DM test guest: Debian 12's 6.1 kernel (drop_monitor as a module, which the machine's own
 * kernel may lack) booted under qemu by scripts/netdm-vm/boot, <em>once per test JVM</em>, running
 * every scenario file of {@value #SCENARIO_DIR} in that one boot (scripts/netdm-vm/scenarios).
 * A boot costs 10 s or more and every JVM started in the emulated guest several seconds, so tests
 * never boot on their own: they assert on the results the boot left in {@code target/netdm-vm/results}.
 *
 * <p>Unmet needs (root, the host packages scripts/install-deps installs, a kernel package that can
 * be downloaded, a guest that boots) skip the tests with the reason, or fail them under CI=true.
 * Once the guest has booted, anything going wrong is a failure.
 */
final class NetDmVm {
    static final String SCENARIO_DIR = "src/test/netdm-vm";
    /**
     * The guest may run this long; preparing the cache (a 70 MB download) comes on top. The
     * scenarios take 9–16 minutes on this kind of machine (emulated CPU, JVM starts of 10–20 s)
     * alone, and about twice that while a second test run boots its own guest on the same two
     * cores (11 of 19 runs took 808 s so); a stuck step ends on its own NETDM_STEP_TIMEOUT long
     * before this.
     */
    static final Duration GUEST_TIMEOUT = Duration.ofMinutes(45);
    static final Duration PREPARE_TIMEOUT = Duration.ofMinutes(10);
    private static final List<String> HOST_TOOLS = List.of("qemu-system-x86_64", "dpkg-deb", "apt-get", "depmod",
            "dropwatch", "tcpdump", "stdbuf", "nsenter", "taskset", "chrt", "ip");

    /** A results directory of an earlier run to check instead of booting (development only). */
    static final String REUSE_PROPERTY = "dropscope.netdm.results";
    private static Results results;
    private static String unmet;
    /** Why this JVM's boot failed: every later test fails with it instead of booting again (up to GUEST_TIMEOUT each). */
    private static String failed;

    private NetDmVm() {
    }

    /** The results of this JVM's boot, booting first if no test has yet. */
    static synchronized Results results() {
        if (unmet != null) {
            KernelTestSupport.require(false, unmet);
        }
        if (failed != null) {
            fail("the NET_DM guest's one boot in this JVM failed (see the first test that needed it): " + failed);
        }
        String reuse = System.getProperty(REUSE_PROPERTY, "");
        if (results == null && !reuse.isEmpty()) {
            // Checking tests against a run made by hand (docs/netdm-vm.md), without booting again.
            System.err.println("netdm-vm: reading the results in " + reuse + " (" + REUSE_PROPERTY + "), no boot");
            results = new Results(Path.of(reuse));
        }
        if (results == null) {
            try {
                results = boot();
            } catch (UnmetNeed e) {
                unmet = e.getMessage();
                KernelTestSupport.require(false, unmet);
            } catch (AssertionError e) {
                failed = e.getMessage();
                throw e;
            }
        }
        return results;
    }

    /** The project directory: failsafe's basedir, else the working directory. */
    static Path project() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    }

    /** The scenario files, in the order the guest runs them. */
    static List<Path> scenarioFiles() {
        try (Stream<Path> files = Files.list(project().resolve(SCENARIO_DIR))) {
            return files.filter(f -> f.toString().endsWith(".scenario")).sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tools a scenario file names in its "tools:" line (dropwatch if none). */
    static List<String> tools(String scenario) {
        try {
            for (String line : Files.readAllLines(project().resolve(SCENARIO_DIR).resolve(scenario + ".scenario"))) {
                if (line.startsWith("tools:")) {
                    return List.of(line.substring("tools:".length()).trim().split("\\s+"));
                }
            }
            return List.of("dropwatch");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every (scenario, tool) run the guest makes. */
    static List<String[]> runs() {
        List<String[]> runs = new ArrayList<>();
        for (Path f : scenarioFiles()) {
            String name = f.getFileName().toString().replaceFirst("\\.scenario$", "");
            tools(name).forEach(t -> runs.add(new String[] {name, t}));
        }
        return runs;
    }

    /** What the boot left: one directory per scenario and tool, and facts of the guest. */
    static final class Results {
        private final Path dir;
        private Symbolizer symbolizer;

        Results(Path dir) {
            this.dir = dir;
        }

        Path dir() {
            return dir;
        }

        VmScenario scenario(String name, String tool) {
            return new VmScenario(dir, name, tool);
        }

        /** dropwatch's {@code show} before any scenario: NET_DM's configuration as the boot found it. */
        List<String> netdmDefaults() {
            return read(dir.resolve("netdm-defaults.txt"));
        }

        /** The guest's symbols in this boot (its /proc/kallsyms and /proc/modules; KASLR moves them per boot). */
        synchronized Symbolizer symbolizer() throws IOException {
            if (symbolizer == null) {
                symbolizer = new Symbolizer(() -> new InputStreamReader(new GZIPInputStream(
                        Files.newInputStream(dir.resolve("kallsyms.gz"))), StandardCharsets.UTF_8),
                        () -> Files.newBufferedReader(dir.resolve("modules.txt")));
            }
            return symbolizer;
        }
    }

    /** A reason to skip: the machine cannot run the guest. */
    private static final class UnmetNeed extends Exception {
        private static final long serialVersionUID = 1L;

        UnmetNeed(String why) {
            super(why);
        }
    }

    /** Skips (or fails, under CI=true) unless this machine can boot the guest: root and the host programs. */
    static void requireHost() {
        KernelTestSupport.requireRoot();
        for (String tool : HOST_TOOLS) {
            KernelTestSupport.require(onPath(tool), tool + " is not installed (scripts/install-deps, as root,"
                    + " installs what the NET_DM guest needs)");
        }
    }

    private static Results boot() throws UnmetNeed {
        requireHost();
        Path project = project();
        Path work = project.resolve("target/netdm-vm");
        Path out = work.resolve("results");
        Path log = work.resolve("boot.log");
        Path testClasses = ChildJvm.testClasses();
        Path jar = ShellProcess.jar().toAbsolutePath();
        if (runs().stream().anyMatch(r -> r[1].startsWith("dropscope")) && !Files.isReadable(jar)) {
            throw new UnmetNeed("no dropscope jar at " + jar + " (the system property dropscope.jar is set by mvn verify)");
        }
        deleteTree(out);
        // The launcher makes (or refreshes) the class-data sharing archive the guest's JVMs map:
        // each of them starts seconds sooner on the emulated CPU.
        Commands.run(List.of(project.resolve("dropscope").toString(), "--version"));
        List<String> command = new ArrayList<>(List.of(project.resolve("scripts/netdm-vm/boot").toString(),
                "--share", out.toString(), "--console", work.resolve("console.log").toString(),
                "--timeout", Long.toString(GUEST_TIMEOUT.toSeconds()),
                "--env", "JAVA=" + ChildJvm.java().get(0), "--env", "DROPSCOPE_JAR=" + jar,
                "--env", "TEST_CLASSES=" + testClasses, "--",
                project.resolve("scripts/netdm-vm/scenarios").toString(), out.toString()));
        scenarioFiles().forEach(f -> command.add(f.toString()));
        long start = System.nanoTime();
        int exit = run(command, project, log);
        String took = String.format("%.1f s", (System.nanoTime() - start) / 1e9);
        System.err.println("netdm-vm: " + runs().size() + " scenario runs in one boot of Debian's 6.1 kernel took "
                + took + " (log: " + log + ", results: " + out + ")");
        if (!Files.exists(out.resolve("run.txt"))) {
            throw new UnmetNeed("the NET_DM guest (Debian's 6.1 kernel under qemu) did not boot, exit code " + exit
                    + "; the end of " + log + ":\n" + tail(log, 40));
        }
        if (exit != 0 && exit != 1) {
            fail("the NET_DM guest booted but its scenarios did not finish (exit code " + exit + ", 124: timeout);"
                    + " the end of " + log + ":\n" + tail(log, 60));
        }
        return new Results(out);
    }

    /**
     * Runs scripts/netdm-vm/boot's {@code command} in {@code dir}, its output into {@code log}; fails
     * the test if it outlives the guest's timeout and the preparation's.
     */
    static int run(List<String> command, Path dir, Path log) {
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            Duration limit = GUEST_TIMEOUT.plus(PREPARE_TIMEOUT);
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                // SIGTERM: the boot script stops qemu and removes its run directory.
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
                fail("scripts/netdm-vm/boot did not end within " + limit + "; the end of " + log + ":\n" + tail(log, 40));
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        return Stream.of(path.split(":")).anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
    }

    static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no " + file + ")";
        }
        List<String> all = read(file);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
