// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class KernelTestSupportTest {

    /** Lines of a /proc/self/status of a process with euid 1000 and CAP_NET_ADMIN (bit 12) only. */
    private static final List<String> STATUS = List.of(
            "Name:\tjava",
            "Uid:\t1000\t1000\t1000\t1000",
            "Gid:\t1000\t1000\t1000\t1000",
            "CapInh:\t0000000000000000",
            "CapEff:\t0000000000001000");

    @Test
    void metRequirementReturns() {
        KernelTestSupport.require(true, "unused", true);
        KernelTestSupport.require(true, "unused", false);
    }

    @Test
    void unmetRequirementAbortsOutsideCi() {
        TestAbortedException e = assertThrows(TestAbortedException.class,
                () -> KernelTestSupport.require(false, "needs a unicorn", false));
        assertTrue(e.getMessage().contains("needs a unicorn"), e.getMessage());
    }

    @Test
    void unmetRequirementFailsUnderCi() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> KernelTestSupport.require(false, "needs a unicorn", true));
        assertTrue(e.getMessage().contains("needs a unicorn"), e.getMessage());
    }

    @Test
    void readsEffectiveUidAndCapabilities() {
        assertEquals(1000, KernelTestSupport.effectiveUid(STATUS));
        assertTrue(KernelTestSupport.hasCapability(STATUS, 12));
        assertFalse(KernelTestSupport.hasCapability(STATUS, 38));
    }
}
