// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
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

    /**
     * The class-data sharing archive the launcher makes is used (-Xshare:on would refuse to start
     * otherwise); a corrupt one, or one made for another version of the jar, only costs start
     * time: the same output, not a word on standard error.
     */
    @Test
    void aFreshArchiveIsUsedAndACorruptOrStaleOneStartsWithoutAWord() throws IOException {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.copy(NetDmVm.project().resolve("dropscope"), project.resolve("dropscope"));
        Files.createDirectories(project.resolve("config"));
        for (String f : List.of("jvm.options", "cds.classlist")) {
            Files.copy(NetDmVm.project().resolve("config").resolve(f), project.resolve("config").resolve(f));
        }
        Path jar = Files.copy(ShellProcess.jar(), Files.createDirectories(project.resolve("target")).resolve("dropscope.jar"));
        Path archive = project.resolve("target/dropscope.jsa");
        String version = Commands.check(ChildJvm.java().get(0), "-jar", jar.toString(), "--version").stdout();
        List<String> launch = List.of(project.resolve("dropscope").toString(), "--version");

        Commands.Result made = Commands.run(launch);
        assertEquals(version, made.stdout(), made.describe());
        assertTrue(Files.isRegularFile(archive), "archive made");
        Commands.Result used = Commands.run(Commands.concat(List.of("env", "DROPSCOPE_JAVA_OPTS=-Xshare:on"), launch));
        assertEquals(version, used.stdout(), used.describe());

        // Stale: the jar's time is not the one the archive recorded, though the launcher keeps it.
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(3600)));
        startsQuietly(launch, version);

        // Corrupt, and newer than everything, so the launcher keeps it.
        Files.delete(archive);
        Files.write(archive, new byte[4096]);
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().plusSeconds(3600)));
        startsQuietly(launch, version);
    }

    private static void startsQuietly(List<String> launch, String version) {
        Commands.Result r = Commands.run(launch);
        assertEquals(0, r.exit(), r.describe());
        assertEquals(version, r.stdout(), r.describe());
        assertEquals("", r.stderr(), r.describe());
    }
}
