// SPDX-License-Identifier: Apache-2.0
package org.dropscope.report;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.LongFunction;
import org.dropscope.capture.NetDmReplay;
import org.dropscope.ksym.KernelSymbol;
import org.dropscope.pcap.NetlinkPcap;
import org.dropscope.pcap.PcapFormatException;
import org.dropscope.pcap.Rereadable;
import org.dropscope.record.ReadResult;
import org.dropscope.record.RecordFormat;
import org.dropscope.record.RecordFormatException;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordReader;

/**
 * Makes a {@link Report} of a file, whichever kind it is, told by its first bytes (never its
 * name): a dropscope record file (docs/file-format.md), read block by block through
 * {@link RecordReader} in constant memory, so it may be a pipe; or a LINKTYPE_NETLINK pcap of
 * NET_DM messages (nlmon captures, dwdump's and {@code dropscope dump}'s files), decoded by
 * {@link NetDmReplay}, record by record, which may read it twice to find the family id
 * (a pipe's first pass is spooled, {@link Rereadable}).
 *
 * <p>Damage after the start is not an exception: the report holds everything before it and says
 * where and why reading stopped ({@link Report#damage()}).
 */
public final class ReportReader {
    /**
     * A report and what the reader has to say about how the file was read.
     *
     * @param report the counts
     * @param notes how the file was read, worth a line on standard error (e.g. where a capture's
     *     family id came from)
     * @param skipped records that could not be decoded and were skipped, one line each
     */
    public record Result(Report report, List<String> notes, List<String> skipped) {
    }

    private ReportReader() {
    }

    /**
     * Reads {@code in} to its end, or to damage, as {@link #read(Rereadable, ReportQuery, LongFunction,
     * OptionalInt)} does; what a capture's second pass needs of it is spooled.
     *
     * @param in the file; the caller closes it
     */
    public static Result read(InputStream in, ReportQuery query, LongFunction<KernelSymbol> kallsyms,
            OptionalInt familyId) throws IOException {
        try (Rereadable input = Rereadable.spooling(in)) {
            return read(input, query, kallsyms, familyId);
        }
    }

    /**
     * Reads {@code input} to its end, or to damage, in memory that does not grow with the file: a
     * record file block by block, a capture record by record (twice when the family id is to be
     * found in it).
     *
     * @param input the file
     * @param query grouping, filter, time window
     * @param kallsyms names capture pcs the capture itself does not name (summary alerts), or null
     * @param familyId NET_DM's generic netlink family id in a capture, or empty to find it there
     * @throws RecordFormatException a record file whose header is damaged or of a newer major
     *     version
     * @throws PcapFormatException a file of neither kind, a capture that is damaged before its
     *     first NET_DM message or holds no NET_DM family id
     * @throws IOException a failing stream
     */
    public static Result read(Rereadable input, ReportQuery query, LongFunction<KernelSymbol> kallsyms,
            OptionalInt familyId) throws IOException {
        byte[] first = new byte[8];
        int n;
        try (InputStream in = input.open()) {
            n = in.readNBytes(first, 0, first.length);
        }
        if (RecordFormat.isRecordFile(first, n)) {
            try (InputStream in = new BufferedInputStream(input.openLast(), 1 << 16)) {
                return recordFile(in, query);
            }
        }
        if (NetlinkPcap.isCaptureMagic(first, n)) {
            return capture(input, query, kallsyms, familyId);
        }
        throw new PcapFormatException(n == 0 ? "the file is empty" : "neither a dropscope record file nor a pcap"
                + " capture: it starts with " + hex(first, n) + " (a record file starts with 89 44 53 52 45 43 0d 0a,"
                + " a pcap with d4 c3 b2 a1 or 4d 3c b2 a1)");
    }

    private static Result recordFile(InputStream in, ReportQuery query) throws IOException {
        RecordReader reader = new RecordReader(in);
        RecordHeader h = reader.header();
        ReportBuilder builder = new ReportBuilder(query);
        builder.begin(new ReportFacts("record", h.source().label(), h.sourceDescription(), h.kernelRelease(),
                h.hostname(), h.clock().realtimeStartNanos(), h.filter(), h.properties().get(RecordHeader.STACKS_PROPERTY)),
                h.clock().toEpochNanos(0));
        ReadResult r = reader.read(builder.visitor());
        RecordFormatException d = r.damage();
        Report.Damage damage = d == null ? null : new Report.Damage(d.getMessage(), d.offset(), d.block());
        return new Result(builder.finish(r.complete(), damage), countedNote(h, r), List.of());
    }

    /**
     * The note a file with counted events gets: their times are the reads', not the drops'. A
     * tracepoint recording's own drops are events of 1, so more drops than events means some
     * were counted in the kernel.
     */
    static List<String> countedNote(RecordHeader h, ReadResult r) {
        String hot = h.properties().get(RecordHeader.HOT_KEYS_PROPERTY);
        if (hot == null || r.drops() <= r.events()) {
            return List.of();
        }
        return List.of("keys " + hot);
    }

    private static Result capture(Rereadable pcap, ReportQuery query, LongFunction<KernelSymbol> kallsyms,
            OptionalInt familyId) throws IOException {
        ReportBuilder builder = new ReportBuilder(query);
        CaptureEvents events = new CaptureEvents(builder, kallsyms);
        Report.Damage damage = null;
        try {
            NetDmReplay.replay(pcap, familyId, events);
        } catch (PcapFormatException e) {
            if (!builder.begun()) {
                throw e;
            }
            // PcapReader's message names the record and its byte offset.
            damage = new Report.Damage(e.getMessage(), -1, -1);
        }
        if (!builder.begun()) {
            builder.begin(CaptureEvents.facts(0), 0);
        }
        boolean complete = damage == null && events.malformed().isEmpty();
        return new Result(builder.finish(complete, damage), events.notes(), events.malformed());
    }

    private static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }
}
