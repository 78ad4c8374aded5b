// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;
import org.dropscope.capture.NetDmReplay;
import org.dropscope.event.AlertListener;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropOrigin;
import org.dropscope.event.DropSink;
import org.dropscope.event.PacketDrop;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.names.NameBook;
import org.dropscope.netlink.dropmon.NetDmMessage;
import org.dropscope.record.NameKind;
import org.dropscope.record.RecordVisitor;

/**
 * Turns a NET_DM capture's alerts, as {@link NetDmReplay} decodes them, into what a record file
 * of the same drops would hold, so that a report reads both the same way:
 * <ul>
 *   <li>a summary alert entry is an event at the capture time of its record, with the entry's pc
 *       (or trap) and count and no reason (NET_DM's summaries carry none);</li>
 *   <li>a packet alert is an event of count 1 at {@code NET_DM_ATTR_TIMESTAMP} (the record's time
 *       if absent), with its pc or trap, reason name (interned to a code, as the live source
 *       does), protocol, input ifindex and original length;</li>
 *   <li>names come first, as in a record file: a name record for each new reason or trap name,
 *       and a symbol record for each new pc, from the alert's own {@code NET_DM_ATTR_SYMBOL}
 *       ({@code %pS}) or else from a saved kallsyms when one is given.</li>
 * </ul>
 * Times are CLOCK_REALTIME; the capture's first record is the report's start.
 */
final class CaptureEvents implements NetDmReplay.Handler {
    private final ReportBuilder builder;
    private final RecordVisitor out;
    private final LongFunction<KernelSymbol> kallsyms;
    private final DropEvent event = new DropEvent();
    private final NameBook names = new NameBook();
    private final Set<Long> named = new HashSet<>();
    private final int[] namesWritten = new int[NameKind.values().length];
    /** The undecodable messages named one line each; past this many they are counted. */
    static final int MAX_MALFORMED_LINES = 1000;
    private final List<String> malformed = new ArrayList<>();
    private long malformedCount;
    private final List<String> notes = new ArrayList<>();
    private long recordTime;

    /**
     * @param builder the report; begun at the first record
     * @param kallsyms names pcs the capture does not name (summary entries), or returns null
     */
    CaptureEvents(ReportBuilder builder, LongFunction<KernelSymbol> kallsyms) {
        this.builder = builder;
        this.out = builder.visitor();
        this.kallsyms = kallsyms;
    }

    /** The facts of a capture whose first record was taken at {@code startEpochNanos}. */
    static ReportFacts facts(long startEpochNanos) {
        return new ReportFacts("pcap", "netdm", "NET_DM messages captured in a LINKTYPE_NETLINK pcap", null, null,
                startEpochNanos, null, null);
    }

    @Override
    public void record(int number, long epochNanos) {
        recordTime = epochNanos;
        if (!builder.begun()) {
            builder.begin(facts(epochNanos), 0);
        }
    }

    @Override
    public void summary(List<AlertListener.SummaryEntry> entries) {
        for (AlertListener.SummaryEntry e : entries) {
            long location = e.origin() == DropOrigin.HARDWARE ? trap(e.trapName()) : name(e.pc(), null);
            out.drop(event.set(recordTime, 0, e.origin(), location, DropSink.NO_REASON, DropSink.NO_STACK, e.count()));
        }
    }

    @Override
    public void packet(PacketDrop p) {
        boolean hardware = p.origin() == DropOrigin.HARDWARE;
        long pc = p.pc() == PacketDrop.ABSENT ? 0 : p.pc();
        long location = hardware ? trap(p.trapName()) : name(pc, p.symbol());
        int reason = hardware || p.reason() == null ? DropSink.NO_REASON : reason(p.reason());
        long time = p.timestampNanos() != PacketDrop.ABSENT ? p.timestampNanos() : recordTime;
        out.drop(event.set(time, 0, hardware ? DropOrigin.HARDWARE : DropOrigin.SOFTWARE, location, reason,
                DropSink.NO_STACK, 1).packet(p.protocol() == PacketDrop.ABSENT_INT ? 0 : p.protocol(),
                p.inIfindex() == PacketDrop.ABSENT ? 0 : (int) p.inIfindex(),
                p.originalLength() == PacketDrop.ABSENT ? 0 : (int) p.originalLength()));
    }

    /** {@code pc}, after a symbol record for it if it is new and can be named. */
    private long name(long pc, String percentPS) {
        if (pc != 0 && !named.contains(pc)) {
            KernelSymbol s = KernelSymbol.ofPercentPS(percentPS, pc);
            if (s == null && kallsyms != null) {
                s = kallsyms.apply(pc);
            }
            if (s != null) {
                named.add(pc);
                out.symbol(s);
            }
        }
        return pc;
    }

    private int reason(String name) {
        return named(NameKind.REASON, names.reasonCode(name), name);
    }

    private long trap(String name) {
        String trap = String.valueOf(name);
        return named(NameKind.TRAP, names.trapId(trap), trap);
    }

    /** {@code code}, after a name record if it is new (the book's codes count up from 0). */
    private int named(NameKind kind, int code, String name) {
        int ordinal = kind.ordinal();
        if (code == namesWritten[ordinal]) {
            namesWritten[ordinal]++;
            out.name(kind, code, name);
        }
        return code;
    }

    @Override
    public void config(NetDmMessage.Config config) {
        // Configuration replies say nothing about drops.
    }

    @Override
    public void stats(NetDmMessage.Stats stats) {
        // The kernel's tail-drop counters are totals since boot, not this capture's losses.
    }

    @Override
    public void malformed(int record, String why) {
        // One line each up to a bound, then a count: a capture of nothing but damage is as big as any.
        if (malformed.size() < MAX_MALFORMED_LINES) {
            malformed.add("record " + record + ": " + why + " (skipped)");
        }
        malformedCount++;
    }

    @Override
    public void note(String message) {
        notes.add(message);
    }

    /**
     * NET_DM messages that could not be decoded: one line each for the first
     * {@link #MAX_MALFORMED_LINES}, then one line counting the rest.
     */
    List<String> malformed() {
        if (malformedCount <= malformed.size()) {
            return malformed;
        }
        List<String> lines = new ArrayList<>(malformed);
        lines.add("and " + (malformedCount - malformed.size()) + " more NET_DM messages that could not be decoded"
                + " (skipped)");
        return lines;
    }

    /** How the capture was read, where the user should know (the family id's origin). */
    List<String> notes() {
        return notes;
    }
}
