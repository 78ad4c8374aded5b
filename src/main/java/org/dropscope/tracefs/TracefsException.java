// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import java.io.IOException;
import java.util.Objects;

/**
 * tracefs could not be found, mounted or read. The message is one line giving the cause and the
 * fix; {@link #kind()} says which case it is, so callers can choose an exit code without
 * parsing the message.
 */
public final class TracefsException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong; the suggested exit code category is given for each. */
    public enum Kind {
        /** Mounting tracefs needs CAP_SYS_ADMIN and the process lacks it (EPERM): no permission. */
        NOT_PERMITTED,
        /** {@code tracefs} is not in {@code /proc/filesystems}: no kernel feature. */
        NOT_SUPPORTED,
        /** Mounting failed for another reason (e.g. no fsopen(2) before Linux 5.2): system error. */
        MOUNT_FAILED,
        /** The {@code events/<system>/<event>} directory does not exist: no kernel feature. */
        EVENT_NOT_FOUND,
        /** An {@code id} or {@code format} file cannot be read (root-only): no permission. */
        UNREADABLE
    }

    private final Kind kind;

    /**
     * Creates the exception.
     *
     * @param kind which case this is
     * @param message one line: cause, then the fix
     * @param cause the underlying error, or null
     */
    public TracefsException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * Which case this is.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }
}
