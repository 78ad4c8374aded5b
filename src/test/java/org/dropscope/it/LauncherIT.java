// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./dropscope} launcher the README gives works from any directory, also through a
 * symbolic link in a directory whose name holds a space (a {@code ~/bin} link): it finds the
 * project, and the jar {@code mvn verify} just packaged, by its own path.
 */
class LauncherIT {
    @TempDir
    Path tmp;

    @Test
    void aLinkToTheLauncherRunsTheProjectsJarFromAnotherDirectory() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("my bin"));
        Path elsewhere = Files.createDirectories(tmp.resolve("some where"));
        Path link = Files.createSymbolicLink(bin.resolve("dropscope"), NetDmVm.project().resolve("dropscope"));

        Commands.Result r = Commands.run(List.of("env", "-C", elsewhere.toString(), link.toString(), "--version"));

        // No "building" line: the jar is fresh after mvn package (a stale one would be rebuilt first).
        assertEquals(0, r.exit(), r.describe());
        assertEquals(Commands.check(ChildJvm.java().get(0), "-jar", ShellProcess.jar().toString(), "--version").stdout(),
                r.stdout(), r.describe());
        assertEquals("", r.stderr(), r.describe());
    }
}
