// SPDX-License-Identifier: Apache-2.0
/**
 * The {@code skb:kfree_skb} tracepoint (include/trace/events/skb.h) as a drop source, through
 * perf_event_open(2): {@link org.dropscope.source.tracepoint.TracepointSource} opens a
 * {@link org.dropscope.source.tracepoint.CpuStream} per CPU, either a sampling event with its ring
 * ({@link org.dropscope.source.tracepoint.SamplingStream}) or a hot-key counting group
 * ({@link org.dropscope.source.tracepoint.CountingStream}, {@link
 * org.dropscope.source.tracepoint.HotCountGroup}); the {@link org.dropscope.source.tracepoint.RingReader}
 * thread drains them through {@link org.dropscope.source.tracepoint.KfreeSkbDecoder} and lets
 * {@link org.dropscope.source.tracepoint.HandOver} move hot keys into the kernel. Every perf call
 * goes through {@code perf.PerfSyscalls}, which tests replace.
 *
 * <p>May use {@code source}, {@code perf}, {@code tracefs}, {@code nativeio} (its errors, and the
 * private tracefs mount), {@code aggregate}, {@code event}, {@code filter}, {@code record},
 * {@code names} and Netty ({@code io.netty.buffer}).
 */
package org.dropscope.source.tracepoint;
