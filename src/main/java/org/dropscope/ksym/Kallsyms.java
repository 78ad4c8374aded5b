// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The production loader: this machine's /proc/kallsyms, /proc/modules and
 * /proc/sys/kernel/kptr_restrict (proc(5); Documentation/admin-guide/sysctl/kernel.rst).
 * Everything else in the package reads only what it is handed.
 */
public final class Kallsyms {
    /** Kernel symbols, see proc(5). */
    public static final Path PROC_KALLSYMS = Path.of("/proc/kallsyms");
    /** Loaded modules, see proc(5); absent when the kernel has CONFIG_MODULES=n. */
    public static final Path PROC_MODULES = Path.of("/proc/modules");
    /** Whether kernel addresses are hidden, see Documentation/admin-guide/sysctl/kernel.rst. */
    public static final Path KPTR_RESTRICT = Path.of("/proc/sys/kernel/kptr_restrict");

    private Kallsyms() {
    }

    /**
     * A {@link Symbolizer} over /proc that reloads when /proc/modules changes. It reads
     * /proc/modules, then /proc/kallsyms, so that a module loaded in between shows up as a change
     * at the next check rather than going unnoticed.
     *
     * @throws KallsymsUnavailableException if there is no /proc/kallsyms or its addresses are hidden
     */
    public static Symbolizer symbolizer() throws IOException {
        return new Symbolizer(Kallsyms::openKallsyms, Kallsyms::openModules, Kallsyms::kptrRestrict,
                System::nanoTime);
    }

    /** Opens /proc/kallsyms; a missing file means the kernel was built without CONFIG_KALLSYMS. */
    static InputStream openKallsyms() throws IOException {
        try {
            // procfs files report size 0 and are generated per read(2); a large buffer cuts
            // syscalls. The parser reads bytes: no decoding.
            return new BufferedInputStream(Files.newInputStream(PROC_KALLSYMS), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new KallsymsUnavailableException("cannot read kernel symbols: " + PROC_KALLSYMS
                    + " does not exist (kernel built without CONFIG_KALLSYMS); use -l none", e);
        } catch (AccessDeniedException e) {
            throw new KallsymsUnavailableException("cannot read kernel symbols: permission denied on "
                    + PROC_KALLSYMS + "; run as root, or use -l none", e);
        }
    }

    /** Opens /proc/modules, or returns {@code null} when the kernel has no module support. */
    static Reader openModules() throws IOException {
        try {
            return new InputStreamReader(Files.newInputStream(PROC_MODULES), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * The current kptr_restrict value, or {@link KallsymsParser#KPTR_RESTRICT_UNKNOWN} if the file
     * cannot be read (it is only used to explain hidden addresses).
     */
    static int kptrRestrict() {
        try {
            return Integer.parseInt(Files.readString(KPTR_RESTRICT, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return KallsymsParser.KPTR_RESTRICT_UNKNOWN;
        }
    }
}
