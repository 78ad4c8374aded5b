// SPDX-License-Identifier: Apache-2.0
package org.dropscope.record;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Opening record files for writing. A recording holds kernel addresses and the names of what
 * the machine dropped, so the file is the recording user's alone: mode 0600, set at creation
 * (open(2) with O_CREAT and mode 0600) and again on a file that existed, whatever its mode was.
 */
public final class RecordFiles {
    /** rw------- */
    public static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-------");

    private RecordFiles() {
    }

    /**
     * Creates (or truncates) {@code path} with mode 0600 and returns an unbuffered stream to it:
     * the writer hands it one block per write, so a killed recorder leaves every written block in
     * the file.
     *
     * @throws IOException if it cannot be created or its mode cannot be set
     */
    public static OutputStream create(Path path) throws IOException {
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(MODE);
        if (Files.exists(path)) {
            Files.setPosixFilePermissions(path, MODE);
        }
        return Channels.newOutputStream(Files.newByteChannel(path, Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), mode));
    }
}
