// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Makes a private, detached mount of a filesystem; {@link Tracefs} uses it only when tracefs is not
 * mounted yet.
 *
 * <p>The mount is <em>detached</em>: attached to no directory and listed in no mount table, so
 * another process (a second dropscope started at the same moment) can neither find it nor unmount
 * it, and this process never has to unmount anything another may be reading through. The
 * production implementation uses fsopen(2) and fsmount(2) and lives with the native bindings;
 * tests use fakes. It is an interface so that {@code tracefs} has no native dependency and its
 * search logic can be tested without privileges.
 *
 * <p><b>Error contract.</b> {@link Tracefs} turns errors into messages with a fix, so an
 * implementation must report:
 * <ul>
 * <li>{@code EPERM} or {@code EACCES} (the caller lacks {@code CAP_SYS_ADMIN}) as a
 *     {@link java.nio.file.AccessDeniedException};</li>
 * <li>any other failure as an {@link IOException} whose message names the errno
 *     (e.g. {@code "ENODEV (No such device)"}).</li>
 * </ul>
 */
public interface Mounter {
    /** A detached mount: its root directory as this process reaches it, released by {@link #close()}. */
    interface Mount extends AutoCloseable {
        /**
         * The mount's root directory.
         *
         * @return a path this process can read the filesystem's files under
         */
        Path root();

        /** Releases the mount; never fails (the kernel frees a detached mount with its last reference). */
        @Override
        void close();
    }

    /**
     * Mounts a filesystem where only this process reaches it.
     *
     * @param fstype the filesystem type, e.g. {@code tracefs}
     * @return the mount; close it when done
     * @throws java.nio.file.AccessDeniedException if not permitted (EPERM, EACCES)
     * @throws IOException on any other failure, naming the errno
     */
    Mount mountDetached(String fstype) throws IOException;
}
