// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import java.io.IOException;

/**
 * Kernel symbol addresses cannot be read at all: every address in kallsyms is zero, or there is
 * no /proc/kallsyms.
 *
 * <p>The kernel decides once, when /proc/kallsyms is opened and with the opener's credentials,
 * whether to print real addresses or zeros ({@code kallsyms_show_value()} in kernel/ksyms_common.c).
 * The rule, from Documentation/admin-guide/sysctl/kernel.rst ({@code kptr_restrict},
 * {@code perf_event_paranoid}) and proc(5):
 * <ul>
 *   <li>{@code kptr_restrict=0}: real addresses if {@code perf_event_paranoid <= 1}, otherwise only
 *       for a reader with CAP_SYSLOG;</li>
 *   <li>{@code kptr_restrict=1}: only for a reader with CAP_SYSLOG;</li>
 *   <li>{@code kptr_restrict=2}: zeros for everyone, root included.</li>
 * </ul>
 * The message is one line giving the cause and the fixes, so the CLI can print it as is.
 */
public final class KallsymsUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    private static final String PREFIX = "cannot read kernel symbol addresses: ";

    /** Creates the exception with a complete one-line message. */
    public KallsymsUnavailableException(String message) {
        super(message);
    }

    /** Creates the exception with a complete one-line message and the I/O failure behind it. */
    public KallsymsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The exception for a kallsyms whose addresses are all zero.
     *
     * @param kptrRestrict the value of /proc/sys/kernel/kptr_restrict when kallsyms was read, or
     *     {@link KallsymsParser#KPTR_RESTRICT_UNKNOWN} when the input did not come from this
     *     machine's /proc (a saved file)
     */
    static KallsymsUnavailableException allZero(int kptrRestrict) {
        String shown = "/proc/kallsyms shows only zeros";
        String message;
        switch (kptrRestrict) {
            case 0:
                message = shown + " (kernel.kptr_restrict=0, but kernel.perf_event_paranoid>1 and"
                        + " no CAP_SYSLOG); run as root with CAP_SYSLOG, set sysctl"
                        + " kernel.perf_event_paranoid=1, or use -l none";
                break;
            case 1:
                message = shown + " (kernel.kptr_restrict=1 and no CAP_SYSLOG); run as root with"
                        + " CAP_SYSLOG, set sysctl kernel.kptr_restrict=0 and"
                        + " kernel.perf_event_paranoid=1, or use -l none";
                break;
            case 2:
                message = shown + " (kernel.kptr_restrict=2 hides them even from root); set sysctl"
                        + " kernel.kptr_restrict=1 and run as root with CAP_SYSLOG, or use -l none";
                break;
            default:
                message = "kallsyms shows only zero addresses (it was read without CAP_SYSLOG or"
                        + " under kernel.kptr_restrict); read it as root with CAP_SYSLOG and"
                        + " kernel.kptr_restrict<=1, or use -l none";
                break;
        }
        return new KallsymsUnavailableException(PREFIX + message);
    }
}
