// SPDX-License-Identifier: Apache-2.0
package org.dropscope.view;

import java.util.ArrayList;
import java.util.List;
import org.dropscope.event.AlertListener;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;

/**
 * The lines dropwatch 1.5 prints for NET_DM's messages other than packet alerts (those are
 * {@link PacketBlock}): a summary alert's entries, a CONFIG_NEW reply ({@code show}) and a
 * STATS_NEW reply ({@code stats}). Shared by the shell and {@code replay}.
 */
public final class DropwatchReplies {
    private final DropwatchLines lines;

    public DropwatchReplies(DropwatchLines lines) {
        this.lines = lines;
    }

    /** One line per entry, in the message's order: software points, then hardware traps. */
    public List<String> summary(List<AlertListener.SummaryEntry> entries) {
        List<String> out = new ArrayList<>(entries.size());
        for (AlertListener.SummaryEntry e : entries) {
            out.add(e.origin() == DropOrigin.HARDWARE ? lines.hardwareLine(e.count(), e.trapName())
                    : lines.line(e.count(), DropOrigin.SOFTWARE, e.pc(), DropSink.NO_REASON));
        }
        return out;
    }

    /** {@code show}'s answer: NET_DM_CMD_CONFIG_NEW. */
    public static List<String> config(boolean packetMode, long truncLength, long queueLength) {
        return List.of("Alert mode: " + (packetMode ? "Packet" : "Summary"),
                "Truncation length: " + truncLength,
                "Queue length: " + queueLength);
    }

    /** {@code stats}'s answer: NET_DM_CMD_STATS_NEW, the u64 counters printed unsigned. */
    public static List<String> stats(long softwareTailDropped, long hardwareTailDropped) {
        return List.of("Software statistics:",
                "Tail dropped: " + Long.toUnsignedString(softwareTailDropped),
                "Hardware statistics:",
                "Tail dropped: " + Long.toUnsignedString(hardwareTailDropped));
    }
}
