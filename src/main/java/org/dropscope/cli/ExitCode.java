// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

/**
 * The exit codes of every dropscope command; README.md lists them for users.
 *
 * <p>Values 0, 1 and 2 are picocli's own (success, software error, usage error), so that
 * picocli's built-in handling of bad options needs no translation.
 */
public final class ExitCode {
    /** Finished normally, including a monitoring session stopped with Ctrl-C or SIGTERM. */
    public static final int OK = 0;
    /** A bug in dropscope: the message says so and asks for a report. */
    public static final int SOFTWARE = 1;
    /** The command line was wrong: unknown option, bad value. */
    public static final int USAGE = 2;
    /** A privilege is missing: not root, a capability, perf_event_paranoid, kptr_restrict. */
    public static final int NO_PERMISSION = 3;
    /** The kernel lacks a feature: tracefs, the skb:kfree_skb tracepoint, NET_DM. */
    public static final int NO_KERNEL_FEATURE = 4;
    /** An input file (kallsyms, tracepoint format, recording) is unreadable or corrupt. */
    public static final int BAD_INPUT = 5;
    /** A system call failed for a reason outside dropscope's control (out of memory, fds). */
    public static final int SYSTEM_ERROR = 6;

    private ExitCode() {
    }
}
