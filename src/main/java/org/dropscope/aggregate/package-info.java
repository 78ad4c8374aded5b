// SPDX-License-Identifier: Apache-2.0
/**
 * Counting drops between the sources' reader threads and the views: {@link
 * org.dropscope.aggregate.DropAggregator} counts per (origin, location, reason, stack) in per-writer
 * phased {@code long[]} counters without locks and hands out one {@link
 * org.dropscope.aggregate.Snapshot} per interval; {@link org.dropscope.aggregate.KeyTable} and
 * {@link org.dropscope.aggregate.StackTable} intern keys and call chains in lock-free
 * open-addressing tables that share one publication protocol ({@link
 * org.dropscope.aggregate.SlotStates}). It knows nothing of where drops come from.
 *
 * <p>May use {@code event} and HdrHistogram ({@code org.HdrHistogram}), for its writer-reader
 * phaser.
 */
package org.dropscope.aggregate;
