// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The NET_DM guest boots from wherever a clone lies. The guest covers /tmp and /run with tmpfs of
 * its own, which once hid a clone under /tmp (its scripts, its results share) and failed the boot;
 * and a path with white space could not go on the kernel command line. Here a copy of
 * scripts/netdm-vm under /tmp, in a directory whose name holds a space and a comma (qemu's option
 * separator), boots a probe from a working directory and into a results share that are under /tmp
 * too: one boot of its own (about 30 s emulated), beside the scenarios' boot of {@link NetDmVm}.
 */
@Tag("kernel")
class NetDmVmPathsIT {
    @Test
    void aCloneUnderTmpWithWhiteSpaceBootsAndItsPathsAreTheHostsInTheGuest() throws IOException {
        NetDmVm.requireHost();
        // /tmp itself, not java.io.tmpdir: /tmp is what the guest covers.
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "dropscope vm, ");
        try {
            Path project = dir.resolve("clone, with spaces");
            Path scripts = Files.createDirectories(project.resolve("scripts/netdm-vm"));
            for (String script : List.of("boot", "initramfs-init", "guest-init")) {
                Files.copy(NetDmVm.project().resolve("scripts/netdm-vm").resolve(script), scripts.resolve(script));
            }
            Path probe = project.resolve("probe");
            Files.writeString(probe, String.join("\n",
                    "#!/bin/sh",
                    "# $1: the results share; $2: a host file under /tmp that nobody asked to keep",
                    "cat marker > \"$1/marker\"",
                    "pwd > \"$1/pwd\"",
                    "if [ -e \"$2\" ]; then echo visible; else echo absent; fi > \"$1/unkept\"",
                    ""), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path work = Files.createDirectories(dir.resolve("work dir"));
            Files.writeString(work.resolve("marker"), "read in the guest\n");
            Path unkept = Files.writeString(dir.resolve("unkept"), "the guest's /tmp is its own\n");
            Path results = dir.resolve("results dir");
            Path log = dir.resolve("boot.log");

            int exit = NetDmVm.run(List.of(scripts.resolve("boot").toString(), "--share", results.toString(),
                    "--timeout", "600", "--", probe.toString(), results.toString(), unkept.toString()), work, log);

            assertEquals(0, exit, "scripts/netdm-vm/boot from " + scripts + ", the end of its log:\n"
                    + NetDmVm.tail(log, 40));
            assertEquals("read in the guest\n", Files.readString(results.resolve("marker")),
                    "the working directory under /tmp, read in the guest");
            assertEquals(work + "\n", Files.readString(results.resolve("pwd")), "the guest's working directory");
            assertEquals("absent\n", Files.readString(results.resolve("unkept")),
                    "a host file under /tmp outside the kept paths, in the guest");
        } finally {
            NetDmVm.deleteTree(dir);
        }
    }
}
