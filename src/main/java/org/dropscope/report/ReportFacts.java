// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import org.dropscope.record.RecordHeader;

/**
 * What a report says about the file it was made from, before its rows.
 *
 * @param input what the file is: {@code record} (a dropscope record file, docs/file-format.md) or
 *     {@code pcap} (a LINKTYPE_NETLINK capture of NET_DM messages)
 * @param source the kernel interface the drops came from: {@code tracepoint} or {@code netdm}
 * @param sourceDescription the source's one-line description
 * @param kernel the recording kernel's release, {@code null} when the file does not say (captures)
 * @param hostname the recording machine, {@code null} when the file does not say
 * @param startEpochNanos when the recording started (a capture: its first record), ns since the epoch
 * @param recordingFilter the filter the recording itself applied, or {@code null}
 * @param stackSampling how the recording took its stacks (the header's
 *     {@link RecordHeader#STACKS_PROPERTY}), or {@code null} when it does not say
 */
public record ReportFacts(String input, String source, String sourceDescription, String kernel, String hostname,
        long startEpochNanos, String recordingFilter, String stackSampling) {
    /** Whether some stacks stand for more drops than their own: a flame graph must say so. */
    public boolean stacksSampled() {
        return stackSampling != null && !stackSampling.equals(RecordHeader.STACKS_OF_EVERY_DROP);
    }
}
