// SPDX-License-Identifier: Apache-2.0
/**
 * A file's drops aggregated while it is read (docs/report.md): {@link
 * org.dropscope.report.ReportReader} tells a record file from a NET_DM capture by its first bytes,
 * {@link org.dropscope.report.CaptureEvents} turns a capture's alerts into a recording's records,
 * {@link org.dropscope.report.ReportBuilder} keeps what the time window and the filter accept in a
 * {@link org.dropscope.report.DropTable}, and the result is a {@link org.dropscope.report.Report}:
 * plain data, formatted by {@code view.report}.
 *
 * <p>May use {@code record}, {@code filter}, {@code ksym}, {@code names}, {@code event},
 * {@code pcap}, {@code capture} and {@code netlink.dropmon} (a capture's decoded messages); never a
 * source, so a report needs no kernel access.
 */
package org.dropscope.report;
