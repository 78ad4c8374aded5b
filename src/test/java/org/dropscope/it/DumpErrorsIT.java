// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dropscope.testing.KernelTestSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dropscope dump} where it cannot run, as a process on this machine: one line on stderr, the
 * exit code {@code dropscope dump --help} documents, no stack trace, nothing written. NetDmDumpIT
 * runs it where it can (the NET_DM guest).
 */
@Tag("kernel")
class DumpErrorsIT {
    @TempDir
    Path dir;

    /** This kernel has no drop_monitor (checked): the error names the module and the fallback. */
    @Test
    void aKernelWithoutNetDmIsAMissingKernelFeatureAndNothingIsWritten() {
        KernelTestSupport.require(!Files.isDirectory(Path.of("/sys/module/drop_monitor")),
                "this test needs a kernel without drop_monitor; this one has it loaded");
        Path file = dir.resolve("drops.pcap");
        OneLineError.assertOneLine(dump("-w", file.toString(), "-t", "64"), 4, "no NET_DM generic netlink family",
                "modprobe drop_monitor", "CONFIG_NET_DROP_MONITOR", "dropscope --source tracepoint");
        assertFalse(Files.exists(file), "no file before NET_DM was found");
    }

    @Test
    void aBadOptionValueIsAUsageError() {
        OneLineError.assertOneLine(dump("-t", "sixty-four"), 2, "'sixty-four' is not a long",
                "dropscope dump --help lists the options");
        OneLineError.assertOneLine(dump("-o", "both"), 2, "-o/--origin takes sw or hw");
    }

    @Test
    void helpDocumentsTheExitCodes() {
        Commands.Result help = dump("--help");
        assertEquals(0, help.exit(), help.describe());
        for (String code : List.of("0", "2", "3", "4", "5", "6")) {
            assertTrue(help.stdoutLines().stream().anyMatch(l -> l.trim().startsWith(code + "   ")),
                    "dump --help does not document exit code " + code + "\n" + help.describe());
        }
    }

    private static Commands.Result dump(String... args) {
        List<String> a = new ArrayList<>(List.of("dump"));
        a.addAll(List.of(args));
        return Commands.run(ShellProcess.command(List.of(), a));
    }
}
