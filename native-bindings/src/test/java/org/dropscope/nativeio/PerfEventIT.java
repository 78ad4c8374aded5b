// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfEventAttr;
import org.dropscope.perf.PerfMmapPage;
import org.dropscope.testing.KernelTestSupport;
import org.dropscope.testing.ProcFacts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** perf_event_open(2), its ioctls and its ring mapping, on the running kernel. */
@Tag("kernel")
class PerfEventIT {
    private static final int DATA_PAGES = 8;
    private static final VarHandle RING_U64 = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    @BeforeEach
    void needsRootAndNoLeftovers() {
        KernelTestSupport.requireRoot();
        assertEquals(0, ProcFacts.perfFds("self"), "perf events open before the test");
    }

    @AfterEach
    void closedEventsLeaveNothingBehind() {
        assertEquals(0, ProcFacts.perfFds("self"), "perf event descriptors left open");
        assertEquals(0, ProcFacts.perfMappings("self"), "perf rings left mapped");
    }

    @Test
    void opensAndMapsASoftwareEventOnEveryCpu() throws Exception {
        ByteBuffer attr = PerfEventAttr.builder()
                .type(PerfConstants.PERF_TYPE_SOFTWARE).config(PerfConstants.PERF_COUNT_SW_DUMMY)
                .disabled(true).sampleIdAll(true).wakeupEvents(1)
                .build().encode();
        List<Integer> cpus = ProcFacts.onlineCpus();
        List<PerfEvent> events = new ArrayList<>();
        List<Mapping> rings = new ArrayList<>();
        try {
            for (int cpu : cpus) {
                PerfEvent event = PerfEvent.open(attr, -1, cpu, -1, 0);
                events.add(event);
                Mapping ring = event.mmap(PerfMmapPage.mappingLength(DATA_PAGES, PerfMmapPage.pageSize()));
                rings.add(ring);
                ByteBuffer page = ring.buffer().order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(PerfMmapPage.pageSize(), page.getLong(PerfMmapPage.OFFSET_DATA_OFFSET), "data_offset");
                assertEquals((long) DATA_PAGES * PerfMmapPage.pageSize(), page.getLong(PerfMmapPage.OFFSET_DATA_SIZE),
                        "data_size");
                assertEquals(0, page.getLong(PerfMmapPage.OFFSET_DATA_HEAD), "data_head of a new ring");
                assertEquals(ring.length(), page.capacity());
                event.enable();
                event.disable();
            }
            assertEquals(cpus.size(), ProcFacts.perfFds("self"));
            assertEquals(cpus.size(), ProcFacts.perfMappings("self"));
        } finally {
            rings.forEach(Mapping::close);
            events.forEach(PerfEvent::close);
        }
        rings.forEach(r -> assertFalse(r.isOpen()));
        assertThrows(IllegalStateException.class, () -> rings.get(0).buffer());
        events.forEach(e -> assertEquals(-1, e.fd()));
    }

    @Test
    void samplesReachTheRingOnlyWhileEnabled() throws Exception {
        ByteBuffer attr = PerfEventAttr.builder()
                .type(PerfConstants.PERF_TYPE_SOFTWARE).config(PerfConstants.PERF_COUNT_SW_TASK_CLOCK)
                .samplePeriod(100_000) // task-clock counts nanoseconds: a sample every 0.1 ms on cpu
                .sampleType(PerfConstants.PERF_SAMPLE_IP | PerfConstants.PERF_SAMPLE_TID)
                .disabled(true).wakeupEvents(1)
                .build().encode();
        try (PerfEvent event = PerfEvent.open(attr, 0, -1, -1, 0);
                Mapping ring = event.mmap(PerfMmapPage.mappingLength(DATA_PAGES, PerfMmapPage.pageSize()))) {
            ByteBuffer page = ring.buffer().order(ByteOrder.LITTLE_ENDIAN);
            PerfCounting.spin(30);
            assertEquals(0, page.getLong(PerfMmapPage.OFFSET_DATA_HEAD), "samples while disabled");
            assertEquals(0, PerfCounting.count(event));

            event.enable();
            PerfCounting.spin(50);
            event.disable();
            long head = page.getLong(PerfMmapPage.OFFSET_DATA_HEAD);
            long counted = PerfCounting.count(event);
            assertTrue(head > 0, "no sample after 50 ms of thread CPU time");
            assertTrue(counted >= 30_000_000L, "task-clock counted " + counted + " ns in 50 ms of thread CPU time");

            // The first record: perf_event_header, then u64 ip, then u32 pid, u32 tid.
            int first = (int) page.getLong(PerfMmapPage.OFFSET_DATA_OFFSET);
            assertEquals(PerfConstants.PERF_RECORD_SAMPLE, page.getInt(first));
            assertEquals(PerfConstants.PERF_EVENT_HEADER_SIZE + 8 + 8, Short.toUnsignedInt(page.getShort(first + 6)));
            assertEquals(ProcessHandle.current().pid(), page.getInt(first + PerfConstants.PERF_EVENT_HEADER_SIZE + 8));

            // What the ring reader does: acquire data_head, release data_tail, on the same buffer.
            assertEquals(head, (long) RING_U64.getAcquire(page, PerfMmapPage.OFFSET_DATA_HEAD));
            RING_U64.setRelease(page, PerfMmapPage.OFFSET_DATA_TAIL, head);
            assertEquals(head, page.getLong(PerfMmapPage.OFFSET_DATA_TAIL));

            PerfCounting.spin(30);
            assertEquals(head, page.getLong(PerfMmapPage.OFFSET_DATA_HEAD), "samples after disable");
            assertEquals(counted, PerfCounting.count(event), "counting after disable");
            event.reset();
            assertEquals(0, PerfCounting.count(event), "count after reset");
        }
    }

    @Test
    void anAttrSizeBelowVer0IsE2bigAndTheKernelSaysItsOwnSize() {
        ByteBuffer attr = PerfEventAttr.builder().type(PerfConstants.PERF_TYPE_SOFTWARE)
                .config(PerfConstants.PERF_COUNT_SW_DUMMY).disabled(true).build().encode();
        attr.duplicate().order(ByteOrder.LITTLE_ENDIAN).putInt(PerfEventAttr.OFFSET_SIZE, 32);
        NativeException e = assertThrows(NativeException.class, () -> PerfEvent.open(attr, 0, -1, -1, 0));
        assertEquals(Errno.E2BIG, e.errno());
        assertEquals("perf_event_open(2)", e.call());
        int kernelSize = Integer.parseInt(e.context().replaceAll(".*kernel's (\\d+)$", "$1"));
        assertTrue(kernelSize >= PerfEventAttr.SIZE, e.getMessage());
        assertEquals(32, attr.order(ByteOrder.LITTLE_ENDIAN).getInt(PerfEventAttr.OFFSET_SIZE), "caller's attr changed");
    }

    @Test
    void reservedBitsAndUnknownFlagsAreEinval() {
        ByteBuffer reservedBit = PerfEventAttr.builder().type(PerfConstants.PERF_TYPE_SOFTWARE)
                .config(PerfConstants.PERF_COUNT_SW_DUMMY).flag(63, true).build().encode();
        NativeException e = assertThrows(NativeException.class, () -> PerfEvent.open(reservedBit, 0, -1, -1, 0));
        assertEquals(Errno.EINVAL, e.errno(), e.getMessage());
        assertEquals("perf_event_open(2) pid 0: Invalid argument (EINVAL)", e.getMessage());

        ByteBuffer valid = PerfEventAttr.builder().type(PerfConstants.PERF_TYPE_SOFTWARE)
                .config(PerfConstants.PERF_COUNT_SW_DUMMY).build().encode();
        e = assertThrows(NativeException.class, () -> PerfEvent.open(valid, -1, 0, -1, 1L << 20));
        assertEquals(Errno.EINVAL, e.errno(), e.getMessage());
        assertEquals("cpu 0", e.context());
    }

    @Test
    void anAttrShorterThanItsSizeFieldIsRefusedBeforeTheKernelReadsIt() {
        ByteBuffer attr = PerfEventAttr.builder().build().encode();
        attr.limit(PerfEventAttr.SIZE - 8);
        assertThrows(IllegalArgumentException.class, () -> PerfEvent.open(attr, 0, -1, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> PerfEvent.open(ByteBuffer.allocate(4), 0, -1, -1, 0));
    }

    @Test
    void aClosedEventFailsWithEbadf() throws Exception {
        ByteBuffer attr = PerfEventAttr.builder().type(PerfConstants.PERF_TYPE_SOFTWARE)
                .config(PerfConstants.PERF_COUNT_SW_DUMMY).disabled(true).build().encode();
        PerfEvent event = PerfEvent.open(attr, 0, -1, -1, 0);
        int fd = event.fd();
        assertTrue(fd >= 0);
        event.close();
        event.close();
        assertEquals(-1, event.fd());
        NativeException e = assertThrows(NativeException.class, event::enable);
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("EBADF", e.errnoName());
        assertEquals("ioctl(2)", e.call());
        assertEquals(Errno.EBADF, assertThrows(NativeException.class, () -> event.mmap(8192)).errno());
        assertEquals(Errno.EBADF, assertThrows(NativeException.class, () -> event.setFilter("x == 1")).errno());
    }
}
