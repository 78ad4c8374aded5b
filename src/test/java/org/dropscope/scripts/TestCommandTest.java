// SPDX-License-Identifier: Apache-2.0
package org.dropscope.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's test command, {@code .ci/run}, and what it runs first, {@code scripts/install-deps}:
 * as root they run the install and then exactly {@code mvn -B verify}, without sudo (a root shell
 * may have none); as another user they go through sudo, handing CI on; without root and without
 * sudo they say so in one line. Run from a directory whose name holds a space, through programs on
 * PATH that stand in for {@code id}, {@code sudo}, {@code mvn}, {@code dpkg-query} and
 * {@code apt-get} and write down how they were called.
 */
class TestCommandTest {
    private static final Path PROJECT = Path.of(System.getProperty("basedir", "")).toAbsolutePath();

    @TempDir
    Path tmp;
    private Path bin;
    private Path calls;
    private Path clone;

    @BeforeEach
    void fakes() throws IOException {
        bin = Files.createDirectories(tmp.resolve("bin"));
        calls = tmp.resolve("calls");
        Files.createFile(calls);
        // Each fake appends "name uid=FAKE_UID args..." to the calls file.
        String record = "printf '%s' \"$(basename \"$0\") uid=$FAKE_UID\" >> \"$CALLS\"; "
                + "for a; do printf ' %s' \"$a\" >> \"$CALLS\"; done; echo >> \"$CALLS\"\n";
        fake("id", "[ \"$1\" = -u ] && echo \"$FAKE_UID\"\n");
        // sudo runs the command as root: the fake hands it uid 0.
        fake("sudo", record + "FAKE_UID=0 exec \"$@\"\n");
        fake("mvn", record);
        fake("apt-get", record);
        fake("debconf-set-selections", record + "cat > /dev/null\n");
        fake("dpkg-query", "[ \"$FAKE_MISSING\" = \"$3\" ] || printf 'install ok installed'\n");
        clone = Files.createDirectories(tmp.resolve("a clone"));
        Files.createDirectories(clone.resolve(".ci"));
        Files.createDirectories(clone.resolve("scripts"));
        Files.copy(PROJECT.resolve(".ci/run"), clone.resolve(".ci/run"));
        Files.copy(PROJECT.resolve("scripts/install-deps"), clone.resolve("scripts/install-deps"));
    }

    @Test
    void asRootItInstallsAndRunsTheTestsWithoutSudo() throws Exception {
        Run r = run("0", "", "", "-o");
        assertEquals(0, r.exit, r.stderr);
        assertEquals(List.of("mvn uid=0 -B verify -o"), r.calls);
    }

    @Test
    void asRootAMissingPackageIsInstalledByRootItself() throws Exception {
        Run r = run("0", "", "tshark");
        assertEquals(0, r.exit, r.stderr);
        assertEquals(List.of("apt-get uid=0 update -q", "debconf-set-selections uid=0",
                "apt-get uid=0 install -y -q --no-install-recommends tshark", "mvn uid=0 -B verify"), r.calls);
    }

    @Test
    void anotherUserGoesThroughSudoOnceHandingCiOn() throws Exception {
        Run r = run("1000", "true", "tshark");
        assertEquals(0, r.exit, r.stderr);
        assertEquals(List.of("sudo uid=1000 env CI=true " + clone.resolve(".ci/run"),
                "apt-get uid=0 update -q", "debconf-set-selections uid=0",
                "apt-get uid=0 install -y -q --no-install-recommends tshark", "mvn uid=0 -B verify"), r.calls);
    }

    @Test
    void withoutRootAndWithoutSudoItSaysSoInOneLine() throws Exception {
        Files.delete(bin.resolve("sudo"));
        Run r = run("1000", "", "");
        assertEquals(3, r.exit);
        assertEquals(List.of(), r.calls);
        assertEquals(".ci/run: the kernel tests need root, and there is no sudo here: run "
                + clone.resolve(".ci/run") + " as root\n", r.stderr);
    }

    @Test
    void installDepsAloneAsAnotherUserAsksSudoForEachRootStep() throws Exception {
        Run r = exec(List.of(clone.resolve("scripts/install-deps").toString()), "1000", "", "tshark");
        assertEquals(0, r.exit, r.stderr);
        assertTrue(r.calls.stream().filter(c -> !c.startsWith("sudo")).allMatch(c -> c.contains("uid=0")), r.calls::toString);
        assertEquals(3, r.calls.stream().filter(c -> c.startsWith("sudo uid=1000 ")).count(), r.calls::toString);
    }

    private record Run(int exit, List<String> calls, String stderr) {
    }

    private Run run(String uid, String ci, String missing, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(clone.resolve(".ci/run").toString()));
        command.addAll(List.of(args));
        return exec(command, uid, ci, missing);
    }

    private Run exec(List<String> command, String uid, String ci, String missing) throws Exception {
        // Started from elsewhere: the command finds its project by its own path.
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        Map<String, String> env = pb.environment();
        env.put("PATH", bin + ":/usr/bin:/bin");
        env.put("FAKE_UID", uid);
        env.put("FAKE_MISSING", missing);
        env.put("CALLS", calls.toString());
        if (ci.isEmpty()) {
            env.remove("CI");
        } else {
            env.put("CI", ci);
        }
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running: " + command);
        return new Run(p.exitValue(), Files.readAllLines(calls), stderr);
    }

    private void fake(String name, String body) throws IOException {
        Path f = bin.resolve(name);
        Files.writeString(f, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
