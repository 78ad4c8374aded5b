// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfEventAttr;
import org.dropscope.testing.KernelTestSupport;
import org.dropscope.testing.ProcFacts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mounts a private tracefs instance (a fresh machine has none mounted), uses it to open a filtered
 * tracepoint event, and unmounts it again.
 */
@Tag("kernel")
class TracefsIT {
    /** Descriptor numbers no process can have open (the kernel caps them at 2^30). */
    private static final int MATCHING_FD = 1_500_000_000;
    private static final int OTHER_FD = 1_500_000_001;

    @TempDir
    Path mountPoint;

    @BeforeEach
    void mountTracefs() throws NativeException {
        KernelTestSupport.requireRoot();
        assertFalse(ProcFacts.isMounted(mountPoint, "tracefs"));
        Mounts.mount("nodev", mountPoint.toString(), "tracefs",
                Mounts.MS_NOSUID | Mounts.MS_NODEV | Mounts.MS_NOEXEC, null);
        assertTrue(ProcFacts.isMounted(mountPoint, "tracefs"), "tracefs not in /proc/self/mountinfo");
    }

    @AfterEach
    void unmountTracefs() throws NativeException {
        if (ProcFacts.isMounted(mountPoint, "tracefs")) {
            Mounts.umount(mountPoint.toString(), 0);
        }
        assertFalse(ProcFacts.isMounted(mountPoint, "tracefs"), "tracefs still mounted");
        assertEquals(0, ProcFacts.perfFds("self"), "perf event descriptors left open");
    }

    @Test
    void aTracepointFilterCountsOnlyMatchingEvents() throws Exception {
        Path id = mountPoint.resolve("events/syscalls/sys_enter_close/id");
        KernelTestSupport.require(Files.exists(id), "no syscall tracepoints (CONFIG_FTRACE_SYSCALLS): " + id);
        ByteBuffer attr = PerfEventAttr.builder()
                .type(PerfConstants.PERF_TYPE_TRACEPOINT).config(Long.parseLong(Files.readString(id).trim()))
                .disabled(true)
                .build().encode();
        try (PerfEvent event = PerfEvent.open(attr, 0, -1, -1, 0)) {
            event.setFilter("fd == " + MATCHING_FD);
            event.enable();
            for (int i = 0; i < 3; i++) {
                assertEquals(Errno.EBADF, Native.close(MATCHING_FD));
            }
            for (int i = 0; i < 2; i++) {
                assertEquals(Errno.EBADF, Native.close(OTHER_FD));
            }
            event.disable();
            assertEquals(3, PerfCounting.count(event), "close(2) calls counted through the filter");

            NativeException e = assertThrows(NativeException.class, () -> event.setFilter("fd == 1"));
            assertEquals(Errno.EEXIST, e.errno(), "a second filter on one event");
            assertEquals("PERF_EVENT_IOC_SET_FILTER fd " + event.fd(), e.context());
        }
        try (PerfEvent event = PerfEvent.open(attr, 0, -1, -1, 0)) {
            NativeException e = assertThrows(NativeException.class, () -> event.setFilter("no_such_field == 1"));
            assertEquals(Errno.EINVAL, e.errno(), e.getMessage());
        }
    }

    @Test
    void aSoftwareEventTakesNoFilter() throws Exception {
        ByteBuffer attr = PerfEventAttr.builder().type(PerfConstants.PERF_TYPE_SOFTWARE)
                .config(PerfConstants.PERF_COUNT_SW_DUMMY).disabled(true).build().encode();
        try (PerfEvent event = PerfEvent.open(attr, 0, -1, -1, 0)) {
            assertEquals(Errno.EINVAL, assertThrows(NativeException.class, () -> event.setFilter("fd == 1")).errno());
            assertThrows(IllegalArgumentException.class, () -> event.setFilter("fd == 1\0"));
        }
    }

    @Test
    void mountAndUnmountReportTheirErrors(@TempDir Path plainDir) {
        NativeException e = assertThrows(NativeException.class, () -> Mounts.umount(plainDir.toString(), 0));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("umount2(2) " + plainDir + ": Invalid argument (EINVAL)", e.getMessage());
        e = assertThrows(NativeException.class,
                () -> Mounts.mount("nodev", plainDir.toString(), "no-such-fs", 0, null));
        assertEquals(Errno.ENODEV, e.errno());
        assertEquals("no-such-fs on " + plainDir, e.context());
        assertFalse(ProcFacts.isMounted(plainDir, "no-such-fs"));
    }

    @Test
    void detachUnmountsAndMountPassesOptions() throws Exception {
        Path events = mountPoint.resolve("events");
        assertTrue(Files.isDirectory(events));
        Mounts.umount(mountPoint.toString(), Mounts.MNT_DETACH);
        assertFalse(ProcFacts.isMounted(mountPoint, "tracefs"));
        Mounts.mount("nodev", mountPoint.toString(), "tracefs", Mounts.MS_NOSUID, "mode=700");
        assertTrue(ProcFacts.isMounted(mountPoint, "tracefs"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(mountPoint)));
    }
}
