// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import java.io.IOException;

/**
 * Mounts and unmounts a filesystem; {@link Tracefs} uses it only when tracefs is not mounted yet.
 *
 * <p>The production implementation calls mount(2) and umount2(2) and lives with the native
 * bindings; tests use fakes. It is an interface so that {@code tracefs} has no native
 * dependency and its search logic can be tested without privileges.
 *
 * <p><b>Error contract.</b> {@link Tracefs} turns errors into messages with a fix, so an
 * implementation must report:
 * <ul>
 * <li>{@code EPERM} or {@code EACCES} (the caller lacks {@code CAP_SYS_ADMIN}) as a
 *     {@link java.nio.file.AccessDeniedException} whose file is the target;</li>
 * <li>any other failure as an {@link IOException} whose message names the errno
 *     (e.g. {@code "ENODEV (No such device)"}).</li>
 * </ul>
 */
public interface Mounter {
    /**
     * Mounts a filesystem, as {@code mount -t fstype source target} does.
     *
     * @param source the source, {@code nodev} for pseudo filesystems
     * @param target an existing directory
     * @param fstype the filesystem type, e.g. {@code tracefs}
     * @throws java.nio.file.AccessDeniedException if not permitted (EPERM, EACCES)
     * @throws IOException on any other failure, naming the errno
     */
    void mount(String source, String target, String fstype) throws IOException;

    /**
     * Unmounts the filesystem mounted at {@code target}, as {@code umount target} does.
     *
     * @param target the mount point
     * @throws java.nio.file.AccessDeniedException if not permitted (EPERM, EACCES)
     * @throws IOException on any other failure (e.g. EBUSY), naming the errno
     */
    void unmount(String target) throws IOException;
}
