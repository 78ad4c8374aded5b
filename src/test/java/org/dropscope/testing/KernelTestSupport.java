// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Preconditions of tests that need a real kernel, root, a capability or a tool. An unmet need
 * skips the test (JUnit abort, with the reason on stderr), except when the environment has
 * {@code CI=true}: there every skip would hide a broken runner, so it fails instead.
 */
public final class KernelTestSupport {

    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private KernelTestSupport() {
    }

    /** Whether the environment says CI=true. */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Returns if {@code met}; otherwise skips the test, or fails it under CI=true. */
    public static void require(boolean met, String why) {
        require(met, why, isCi());
    }

    static void require(boolean met, String why, boolean ci) {
        if (met) {
            return;
        }
        if (ci) {
            fail("CI=true turns unmet test requirements into failures: " + why);
        }
        System.err.println("skipping: " + why);
        Assumptions.abort(why);
    }

    /** Requires effective uid 0. */
    public static void requireRoot() {
        int euid = effectiveUid(statusLines());
        require(euid == 0, "needs root (effective uid is " + euid + ")");
    }

    /**
     * Requires a capability in the effective set, for example 38 (CAP_PERFMON) or 12
     * (CAP_NET_ADMIN); see capabilities(7).
     */
    public static void requireCapability(int capability, String name) {
        require(hasCapability(statusLines(), capability), "needs " + name + " (capability " + capability + ")");
    }

    /** The effective uid: the second number of the "Uid:" line of /proc/self/status. */
    static int effectiveUid(List<String> status) {
        String[] f = field(status, "Uid:").trim().split("\\s+");
        return Integer.parseInt(f[1]);
    }

    /** Whether bit {@code capability} is set in the hex "CapEff:" mask of /proc/self/status. */
    static boolean hasCapability(List<String> status, int capability) {
        long mask = Long.parseUnsignedLong(field(status, "CapEff:").trim(), 16);
        return (mask & 1L << capability) != 0;
    }

    private static String field(List<String> status, String key) {
        for (String line : status) {
            if (line.startsWith(key)) {
                return line.substring(key.length());
            }
        }
        throw new IllegalStateException("no " + key + " line in " + PROC_STATUS);
    }

    private static List<String> statusLines() {
        try {
            return Files.readAllLines(PROC_STATUS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
