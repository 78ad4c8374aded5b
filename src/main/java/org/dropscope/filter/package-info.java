// SPDX-License-Identifier: Apache-2.0
/**
 * dropscope's filter language (docs/filter.md): one parser ({@link org.dropscope.filter.FilterParser}
 * into {@link org.dropscope.filter.Expr}), its evaluation over a {@code DropEvent} ({@link
 * org.dropscope.filter.DropFilter}, names through {@code DropNames}) or over a view's rows ({@link
 * org.dropscope.filter.RowFilter}), and {@link org.dropscope.filter.KernelFilter}, which turns what
 * the kernel can test into a tracepoint filter string (Documentation/trace/events.rst, "Event
 * filtering") with the running kernel's reason numbers.
 *
 * <p>May use {@code event}, {@code tracefs} (the reason numbers) and {@code names}.
 */
package org.dropscope.filter;
