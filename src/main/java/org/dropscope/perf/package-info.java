// SPDX-License-Identifier: Apache-2.0
/**
 * The perf_event_open(2) ABI as a tracepoint session needs it (include/uapi/linux/perf_event.h):
 * {@link org.dropscope.perf.PerfEventAttr} encodes {@code struct perf_event_attr};
 * {@link org.dropscope.perf.PerfRing} reads a mapped ring in place (acquire {@code data_head},
 * release {@code data_tail}, {@link org.dropscope.perf.PerfMmapPage}'s offsets) and hands each
 * record to a {@link org.dropscope.perf.PerfRecordHandler}; {@link org.dropscope.perf.SampleFormat}
 * says where a sample's fields are for a {@code sample_type}; {@link org.dropscope.perf.PerfConstants}
 * mirrors the header's values. {@link org.dropscope.perf.PerfSyscalls} is every perf system call a
 * session makes (open, mmap, ioctls, read, eventfd, poll, close): {@code KERNEL} makes them through
 * {@code nativeio}, tests replace it.
 *
 * <p>May use {@code nativeio}, only behind PerfSyscalls' kernel implementation, and Netty
 * ({@code io.netty.buffer}), whose buffers wrap the ring.
 */
package org.dropscope.perf;
