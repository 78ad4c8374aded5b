// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * This machine's /proc/kallsyms through the production loader. Needs root with CAP_SYSLOG and
 * kernel.kptr_restrict below 2; otherwise skipped, or failed when the environment has CI=true.
 */
@Tag("kernel")
class KallsymsIT {
    /** Bit of CAP_SYSLOG in the capability sets, include/uapi/linux/capability.h. */
    private static final int CAP_SYSLOG = 34;

    /** Receive-path functions with drop sites; the test needs any three of them to exist. */
    private static final List<String> FUNCTIONS =
            List.of("__udp4_lib_rcv", "udp_queue_rcv_one_skb", "ip_rcv", "tcp_v4_rcv", "__netif_receive_skb_core");

    /** Name to address of the text symbols above, read by the test itself. */
    private static final Map<String, Long> ADDRESSES = new HashMap<>();
    private static final Map<Long, List<String>> NAMES_AT = new HashMap<>();

    /** Why this process cannot see real addresses, or {@code null} if it can. */
    private static String missing;

    @BeforeAll
    static void readKallsymsIfPrivileged() throws IOException {
        missing = missingPrivilege();
        if (missing != null) {
            System.out.println("KallsymsIT skipped: " + missing);
            return;
        }
        for (String line : Files.readAllLines(Kallsyms.PROC_KALLSYMS, StandardCharsets.UTF_8)) {
            String[] f = line.split("[ \t]");
            if (f.length >= 3 && "TtWw".contains(f[1])) {
                long address = Long.parseUnsignedLong(f[0], 16);
                NAMES_AT.computeIfAbsent(address, a -> new ArrayList<>()).add(f[2]);
                if (FUNCTIONS.contains(f[2]) && f.length == 3) {
                    ADDRESSES.putIfAbsent(f[2], address);
                }
            }
        }
    }

    @BeforeEach
    void requirePrivilege() {
        if (missing == null) {
            return;
        }
        String message = "needs to read real kernel addresses: " + missing;
        if ("true".equals(System.getenv("CI"))) {
            fail(message + " (CI=true turns this skip into a failure)");
        }
        Assumptions.abort(message);
    }

    /** Why this process cannot see addresses, or {@code null} if it can. */
    private static String missingPrivilege() throws IOException {
        long euid = -1;
        BigInteger capEff = BigInteger.ZERO;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                euid = Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
            } else if (line.startsWith("CapEff:")) {
                capEff = new BigInteger(line.substring(7).trim(), 16);
            }
        }
        if (euid != 0) {
            return "not running as root (euid " + euid + ")";
        }
        if (!capEff.testBit(CAP_SYSLOG)) {
            return "root without CAP_SYSLOG (a container?)";
        }
        if (Kallsyms.kptrRestrict() >= 2) {
            return "kernel.kptr_restrict=2 hides addresses even from root";
        }
        return null;
    }

    @Test
    void productionLoaderResolvesFunctionsReadFromTheFile() throws IOException {
        assertTrue(ADDRESSES.size() >= 3, "found " + ADDRESSES.keySet() + " of " + FUNCTIONS);
        long t0 = System.nanoTime();
        SymbolTable table = Kallsyms.symbolizer().table();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("Kallsyms.symbolizer() from /proc: %d symbols in %d ms (first load in this JVM)%n",
                table.size(), ms);
        for (Map.Entry<String, Long> e : ADDRESSES.entrySet()) {
            long address = e.getValue();
            KernelSymbol k = table.resolve(address + 1);
            assertNotNull(k, e.getKey());
            assertEquals(address, k.address(), e.getKey());
            assertTrue(NAMES_AT.get(address).contains(k.name()), k.name() + " is a name at that address");
            if (NAMES_AT.get(address).size() == 1) {
                assertEquals(e.getKey(), k.name());
            }
        }
    }

    @Test
    void symbolizerFromProcFormatsLikeDropwatchAndPercentPS() throws IOException {
        Symbolizer s = Symbolizer.fromProc();
        for (Map.Entry<String, Long> e : ADDRESSES.entrySet()) {
            if (NAMES_AT.get(e.getValue()).size() > 1) {
                continue;
            }
            long pc = e.getValue() + 0x10;
            KernelSymbol k = s.resolve(pc);
            assertEquals(e.getKey() + "+10", s.dropwatch(pc));
            assertEquals(e.getKey() + "+0x10/0x" + Long.toHexString(k.size()), s.percentPS(pc));
        }
    }

    @Test
    void kptrRestrictIsReadFromProcSys() throws IOException {
        int expected = Integer.parseInt(Files.readString(Kallsyms.KPTR_RESTRICT).trim());
        assertEquals(expected, Kallsyms.kptrRestrict());
    }
}
