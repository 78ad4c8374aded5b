// SPDX-License-Identifier: Apache-2.0
package org.dropscope.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dropscope.daemon.DaemonClient;
import org.dropscope.testing.KernelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit in dist/systemd, checked by systemd itself: {@code systemd-analyze verify}
 * runs offline (no systemd as init needed) with {@code --man=no --generators=no}, and any line it
 * prints (an unknown key, a bad value) fails the test, not only its exit code. verify also wants
 * ExecStart's program to exist, so the unit is checked as a copy whose ExecStart names this
 * repository's launcher instead of the installed link: that one path is the only change. Skipped
 * where systemd's tools are missing, failed then under CI=true.
 */
class SystemdUnitTest {
    private static final Path UNIT = Path.of("dist/systemd/dropscope.service");
    private static final Path SYSUSERS = Path.of("dist/systemd/dropscope.sysusers");
    private static final String INSTALLED = "ExecStart=/usr/local/bin/dropscope ";

    @TempDir
    Path tmp;

    /** What a tool printed, its standard error included, and its exit code. */
    private record Run(int exit, String output) { }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running: " + command);
        return new Run(p.exitValue(), output);
    }

    private static void requireTool(String tool) {
        KernelTestSupport.require(Files.isExecutable(Path.of("/usr/bin", tool))
                || Files.isExecutable(Path.of("/bin", tool)), "needs " + tool + " (systemd)");
    }

    /** The unit as installed, but starting this repository's launcher. */
    private Path unitForVerify(String text) throws IOException {
        List<String> lines = new ArrayList<>();
        int execStarts = 0;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("ExecStart=")) {
                assertTrue(line.startsWith(INSTALLED), "ExecStart starts the installed link: " + line);
                line = "ExecStart=" + Path.of("dropscope").toAbsolutePath() + " " + line.substring(INSTALLED.length());
                execStarts++;
            }
            lines.add(line);
        }
        assertEquals(1, execStarts, "one ExecStart line");
        Path copy = tmp.resolve("dropscope.service");
        Files.writeString(copy, String.join("\n", lines));
        return copy;
    }

    private static Run verify(Path unit) throws IOException, InterruptedException {
        return run(List.of("systemd-analyze", "verify", "--man=no", "--generators=no", unit.toString()));
    }

    @Test
    void systemdAnalyzeVerifiesTheUnitWithoutAWord() throws Exception {
        requireTool("systemd-analyze");
        Run r = verify(unitForVerify(Files.readString(UNIT)));
        assertEquals(new Run(0, ""), r, "systemd-analyze verify of " + UNIT);
    }

    /** The check above is no formality: a misspelt key is only a warning, and still fails it. */
    @Test
    void aMisspeltKeyIsCaught() throws Exception {
        requireTool("systemd-analyze");
        String text = Files.readString(UNIT).replace("NoNewPrivileges=", "NoNewPrivilege=");
        Run r = verify(unitForVerify(text));
        assertNotEquals(new Run(0, ""), r);
        assertTrue(r.output().contains("NoNewPrivilege"), r.output());
    }

    /** The unit serves the socket clients look for, in the runtime directory systemd makes for it. */
    @Test
    void theUnitServesTheClientsDefaultSocket() throws IOException {
        List<String> lines = Files.readAllLines(UNIT);
        String execStart = lines.stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        assertTrue(execStart.contains(" daemon --socket " + DaemonClient.DEFAULT_SOCKET + " --group dropscope"),
                execStart);
        assertTrue(lines.contains("RuntimeDirectory=" + DaemonClient.DEFAULT_SOCKET.getParent().getFileName()),
                "RuntimeDirectory is the socket's directory");
        assertTrue(lines.contains("RuntimeDirectoryMode=0750"), "the socket's directory 0750 from the start");
    }

    /** systemd-sysusers creates the socket's group from the snippet, here in an empty root. */
    @Test
    void sysusersCreatesTheGroup() throws Exception {
        requireTool("systemd-sysusers");
        Files.createDirectories(tmp.resolve("etc"));
        Run r = run(List.of("systemd-sysusers", "--root=" + tmp, SYSUSERS.toAbsolutePath().toString()));
        assertEquals(0, r.exit(), r.output());
        assertTrue(Files.readString(tmp.resolve("etc/group")).matches("(?s)dropscope:x:\\d+:\n"),
                Files.readString(tmp.resolve("etc/group")));
    }
}
