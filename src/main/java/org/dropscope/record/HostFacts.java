// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The recording machine's identity for the header, from procfs (proc(5)):
 * {@code sys/kernel/osrelease}, {@code sys/kernel/hostname} and {@code sys/kernel/random/boot_id}
 * (a random UUID per boot: kernel addresses in the file are meaningful for that boot only).
 *
 * @param kernelRelease as {@code uname -r} prints it
 * @param hostname the UTS namespace's hostname
 * @param bootId the boot's UUID
 */
public record HostFacts(String kernelRelease, String hostname, String bootId) {
    /** Reads them below {@code procRoot} ({@code /proc} in production, a directory in tests). */
    public static HostFacts read(Path procRoot) throws IOException {
        Path kernel = procRoot.resolve("sys/kernel");
        return new HostFacts(line(kernel.resolve("osrelease")), line(kernel.resolve("hostname")),
                line(kernel.resolve("random/boot_id")));
    }

    private static String line(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.US_ASCII).trim();
    }
}
