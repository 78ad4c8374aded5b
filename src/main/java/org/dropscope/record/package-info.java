// SPDX-License-Identifier: Apache-2.0
/**
 * The record file (docs/file-format.md): {@link org.dropscope.record.RecordWriter} streams a header,
 * CRC32C-checked blocks of events with the symbol, stack and name records they need, and an end
 * record, never seeking; {@link org.dropscope.record.RecordReader} reads one checked block at a time
 * from any stream and keeps everything before damage; {@link org.dropscope.record.RecordNames} is
 * the recorded {@code DropNames}; {@link org.dropscope.record.RecordFormat},
 * {@link org.dropscope.record.SourceKind} and {@link org.dropscope.record.NameKind} hold the
 * format's numbers.
 *
 * <p>May use {@code event}, {@code ksym} and {@code names}: it knows neither perf nor netlink, so a
 * process that reads a recording needs no kernel access.
 */
package org.dropscope.record;
