// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./dropscope} launcher's JVM options and class-data sharing archive, with a fake
 * {@code java} first on PATH that logs its arguments (and, asked to dump an archive, writes one):
 * a copy of the launcher and of config/ beside an empty jar, so nothing is built or run.
 */
class LauncherScriptTest {
    @TempDir
    Path tmp;
    private Path project;
    private Path jar;
    private Path archive;
    private Path log;
    private Path bin;
    /** MALLOC_ARENA_MAX in the launcher's environment, or null. */
    private String arenas;

    @BeforeEach
    void copyTheLauncher() throws IOException {
        project = Files.createDirectories(tmp.resolve("project"));
        Files.copy(Path.of("dropscope"), project.resolve("dropscope"));
        Files.createDirectories(project.resolve("config"));
        for (String f : List.of("jvm.options", "cds.classlist")) {
            Files.copy(Path.of("config", f), project.resolve("config").resolve(f));
        }
        jar = Files.createFile(Files.createDirectories(project.resolve("target")).resolve("dropscope.jar"));
        archive = project.resolve("target/dropscope.jsa");
        log = tmp.resolve("java.log");
        bin = Files.createDirectories(tmp.resolve("bin"));
        fakeJava(0);
        // All older than an archive made now, whatever the shell's precision for test -nt.
        for (Path p : List.of(jar, bin.resolve("java"), project.resolve("config/jvm.options"),
                project.resolve("config/cds.classlist"))) {
            Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(60)));
        }
    }

    /** The options file sizes the JVM itself, whatever the machine's RAM: a heap cap, one collector. */
    @Test
    void theOptionsFileSizesTheHeapAndPicksTheSerialCollector() throws IOException {
        List<String> options = Files.readAllLines(Path.of("config", "jvm.options")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertTrue(options.contains("-XX:+UseSerialGC"), options.toString());
        assertTrue(options.stream().anyMatch(o -> o.startsWith("-Xmx")), options.toString());
    }

    @Test
    void theOptionsFileComesFirstThenTheArchiveThenTheUsersOptions() throws Exception {
        run("-Xmx1g -Dx=y", "--version");

        List<String> started = calls().get(calls().size() - 1);
        assertEquals("@" + project.resolve("config/jvm.options"), started.get(0));
        int share = started.indexOf("-XX:SharedArchiveFile=" + archive);
        int user = started.indexOf("-Xmx1g");
        assertTrue(share > 0 && user > share, started.toString());
        assertEquals(List.of("-Xmx1g", "-Dx=y", "-jar", jar.toString(), "--version"),
                started.subList(user, started.size()));
        assertFalse(started.contains("-XX:-UseSerialGC"), started.toString());
    }

    @Test
    void aCollectorNamedByTheUserReplacesTheSerialOne() throws Exception {
        run("-XX:+UseG1GC", "--version");

        List<String> started = calls().get(calls().size() - 1);
        int off = started.indexOf("-XX:-UseSerialGC");
        assertTrue(off > 0 && started.indexOf("-XX:+UseG1GC") > off, started.toString());
    }

    @Test
    void theArchiveIsMadeOnceAndAgainWhenTheJarChanges() throws Exception {
        run("", "--version");
        run("", "--version");
        List<List<String>> calls = calls();
        assertEquals(3, calls.size(), calls.toString());
        List<String> dump = calls.get(0);
        assertTrue(dump.contains("-Xshare:dump"), dump.toString());
        assertEquals(List.of("-cp", jar.toString()), dump.subList(dump.size() - 2, dump.size()));
        assertTrue(Files.isRegularFile(archive));

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        run("", "--version");
        calls = calls();
        assertEquals(5, calls.size(), calls.toString());
        assertTrue(calls.get(3).contains("-Xshare:dump"), calls.get(3).toString());
        assertEquals(List.of(), leftovers());
    }

    /** A dump that fails (an old JDK, a full disk) leaves nothing behind, and the start goes on without. */
    @Test
    void aFailedDumpStartsWithoutAnArchive() throws Exception {
        fakeJava(1);
        Files.setLastModifiedTime(bin.resolve("java"), FileTime.from(Instant.now().minusSeconds(60)));
        run("", "--version");

        List<List<String>> calls = calls();
        assertEquals(2, calls.size(), calls.toString());
        assertFalse(Files.exists(archive));
        assertTrue(calls.get(1).stream().noneMatch(a -> a.startsWith("-XX:SharedArchiveFile")), calls.toString());
        assertEquals(List.of(), leftovers());
    }

    /**
     * A java that logs one line per call: MALLOC_ARENA_MAX, then the arguments, separated by a tab;
     * exits {@code dumpExit} from a dump.
     */
    private void fakeJava(int dumpExit) throws IOException {
        Path java = bin.resolve("java");
        Files.writeString(java, String.join("\n",
                "#!/bin/sh",
                "(IFS=$(printf '\\t'); printf '%s\\n' \"arenas=$MALLOC_ARENA_MAX$IFS$*\") >> '" + log + "'",
                "for a; do",
                "    case $a in",
                "        -Xshare:dump) dump=1 ;;",
                "        -XX:SharedArchiveFile=*) file=${a#-XX:SharedArchiveFile=} ;;",
                "    esac",
                "done",
                "if [ -n \"$dump\" ]; then",
                "    [ " + dumpExit + " = 0 ] && echo archive > \"$file\"",
                "    exit " + dumpExit,
                "fi",
                ""), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** glibc's malloc arenas: two unless the user's environment says otherwise. */
    @Test
    void mallocArenasAreTwoUnlessTheUserSetsThem() throws Exception {
        run("", "--version");
        arenas = "8";
        run("", "--version");

        List<List<String>> lines = lines();
        assertEquals("arenas=2", lines.get(1).get(0), lines.toString());
        assertEquals("arenas=8", lines.get(2).get(0), lines.toString());
    }

    private void run(String javaOpts, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/sh", project.resolve("dropscope").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("DROPSCOPE_JAVA_OPTS", javaOpts);
        pb.environment().remove("MALLOC_ARENA_MAX");
        if (arenas != null) {
            pb.environment().put("MALLOC_ARENA_MAX", arenas);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out);
    }

    /** The arguments of each call. */
    private List<List<String>> calls() throws IOException {
        return lines().stream().map(l -> l.subList(1, l.size())).toList();
    }

    private List<List<String>> lines() throws IOException {
        return Files.readAllLines(log).stream().map(l -> Arrays.asList(l.split("\t"))).toList();
    }

    /** Temporary archives a dump left in target/. */
    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(project.resolve("target"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("dropscope.jsa.")).toList();
        }
    }
}
