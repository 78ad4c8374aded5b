// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import org.dropscope.shell.ShellEnd;
import org.dropscope.source.SourceException;

/**
 * The process exit codes, shared by every command; README.md documents them.
 *
 * <p>0, 1 and 2 are picocli's own (success, software error, usage error).
 */
public final class ExitCodes {
    public static final int OK = 0;
    /** A bug in dropscope. */
    public static final int SOFTWARE = 1;
    /** Bad command line. */
    public static final int USAGE = 2;
    /** A privilege is missing: not root, a capability, perf_event_paranoid, kptr_restrict. */
    public static final int NO_PERMISSION = 3;
    /** The kernel lacks a feature: tracefs, the skb:kfree_skb tracepoint, NET_DM. */
    public static final int NO_KERNEL_FEATURE = 4;
    /**
     * A file cannot be read or written, or is corrupt: kallsyms, tracepoint format, a capture, any
     * output (a reader that went away is {@link #OK}: cli.Failures.cannotWrite).
     */
    public static final int BAD_INPUT = 5;
    /** A system call failed for a reason outside dropscope (memory, file descriptors). */
    public static final int SYSTEM = 6;
    /** Ctrl-C (SIGINT) while not monitoring. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    /** The code for a source's failure: its kind says whose fault it was. */
    public static int of(SourceException.Kind kind) {
        switch (kind) {
            case NO_PERMISSION:
                return NO_PERMISSION;
            case NO_KERNEL_FEATURE:
                return NO_KERNEL_FEATURE;
            case BAD_INPUT:
                return BAD_INPUT;
            case USAGE:
                return USAGE;
            default:
                return SYSTEM;
        }
    }

    /** The code the shell ends with: 0, 130 at Ctrl-C on an idle prompt, or its source's failure. */
    public static int of(ShellEnd end) {
        if (end.interrupted()) {
            return INTERRUPTED;
        }
        return end.failure() == null ? OK : of(end.failure());
    }
}
