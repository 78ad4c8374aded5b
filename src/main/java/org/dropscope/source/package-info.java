// SPDX-License-Identifier: Apache-2.0
/**
 * A kernel source of drops as every command sees it: a {@link org.dropscope.source.DropSource}
 * session (open, start, stop, close), what it says of itself ({@link org.dropscope.source.SourceFacts},
 * {@link org.dropscope.source.EventClock}, its names), and what is common to both sources:
 * {@link org.dropscope.source.IntervalSession} (a source feeding an aggregator, snapshots per
 * interval), {@link org.dropscope.source.SourceFilter} (a live {@code --filter}),
 * {@link org.dropscope.source.DropRouter} (filter, count, record), {@link
 * org.dropscope.source.LiveNames} (the live {@code DropNames}), {@link
 * org.dropscope.source.NetDmSettings} and {@link org.dropscope.source.CpuList}. The two sources are
 * its subpackages, which it does not know.
 *
 * <p>May use {@code aggregate}, {@code event}, {@code filter}, {@code ksym}, {@code tracefs},
 * {@code record} (the source kinds and clock ids) and {@code names}.
 */
package org.dropscope.source;
