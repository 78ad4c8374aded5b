// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.tracepoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.dropscope.nativeio.NativeException;
import org.dropscope.perf.PerfConstants;
import org.dropscope.perf.PerfMmapPage;
import org.dropscope.perf.PerfSyscalls;
import org.dropscope.perf.PerfSyscalls.Event;
import org.dropscope.perf.PerfSyscalls.RingMapping;
import org.dropscope.source.SourceException;
import org.dropscope.tracefs.KfreeSkbLayout;
import org.dropscope.tracefs.TracefsFormatException;
import org.dropscope.tracefs.TracepointFormat;

/**
 * Captures a ring image of {@code skb:kfree_skb} samples from the running kernel into a test
 * fixture: the bytes of one CPU's perf data area from its start to {@code data_head}, i.e. the
 * records in ring order, with a Markdown sidecar that says what was generated.
 *
 * <p>The perf events are opened exactly as {@link TracepointSource} opens them (same
 * {@link TracepointSetup}, same {@code perf_event_attr}); nothing is consumed, so the image is
 * what the reader thread would have found. Drops are caused by this process: UDP datagrams on
 * 127.0.0.1 to a closed port (NO_SOCKET) and to a bound socket with the smallest receive buffer
 * that is never read (SOCKET_RCVBUFF). It must run as root, in a private network namespace with
 * {@code lo} up (so that the namespace's /proc/net/snmp counts only these drops), pinned to the
 * CPU whose ring it writes. {@code bench/capture-fixture.sh} does all that.
 *
 * <p>Usage: {@code RingCapture OUT_DIR NAME raw|callchain|group NOPORT_COUNT RCVBUF_COUNT CPU COMMAND}
 * (COMMAND is the shell command line recorded in the sidecar). {@code group} opens the hot-key
 * counting groups instead ({@link HotCountGroup}, as {@link TracepointSource} does), sends the
 * traffic twice, and hands the full-buffer key over to a counter in between; the sidecar then
 * also holds the samplers' ids, the key and the capture CPU's final group read.
 */
public final class RingCapture {
    private static final VarHandle U64 = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int RING_PAGES = 256;
    private static final int PAYLOAD = 16;
    private static final long SETTLE_MILLIS = 50;
    private static final Path FORMAT_FIXTURE = Path.of("src/test/resources/fixtures/tracefs/linux-6.18.44-kfree_skb.format");
    private static final Path KALLSYMS_SNAPSHOT = Path.of("kallsyms-fixtures/linux-6.18-x86_64.kallsyms.gz");

    private RingCapture() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: RingCapture OUT_DIR NAME raw|callchain NOPORT_COUNT RCVBUF_COUNT CPU COMMAND");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String name = args[1];
        if (args[2].equals("group")) {
            checkPrivateNetwork();
            new RingCapture().captureGroup(Path.of(args[0]), args[1], Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]), args[6]);
            return;
        }
        boolean stacks = switch (args[2]) {
            case "raw" -> false;
            case "callchain" -> true;
            default -> throw new IllegalArgumentException("raw, callchain or group, not " + args[2]);
        };
        int noport = Integer.parseInt(args[3]);
        int rcvbuf = Integer.parseInt(args[4]);
        int cpu = Integer.parseInt(args[5]);
        String command = args[6];
        checkPrivateNetwork();
        new RingCapture().capture(dir, name, stacks, noport, rcvbuf, cpu, command);
    }

    private static void checkPrivateNetwork() throws IOException {
        List<String> devices = Files.readAllLines(Path.of("/proc/net/dev")).stream().skip(2)
                .map(l -> l.substring(0, l.indexOf(':')).trim()).toList();
        if (!devices.equals(List.of("lo"))) {
            throw new IllegalStateException("network devices " + devices + ": run me in a private network namespace"
                    + " that has only lo (unshare -n), see bench/capture-fixture.sh");
        }
    }

    /** The {@code group} capture: see the class comment. */
    private void captureGroup(Path dir, String name, int noport, int rcvbuf, int cpu, String command)
            throws IOException, SourceException, NativeException, InterruptedException {
        TracepointOptions options = new TracepointOptions(RING_PAGES, false, TracepointOptions.DEFAULT_POLL_MILLIS,
                null, false, 1);
        TracepointSetup setup = TracepointSetup.read(options);
        int[] cpus = setup.onlineCpus();
        HotKeys hot = new HotKeys(TracepointOptions.HOT_KEYS, 1, setup.cpuIdCount());
        List<HotCountGroup> groups = new ArrayList<>();
        List<RingMapping> maps = new ArrayList<>();
        Map<String, Long> generated = new LinkedHashMap<>();
        byte[] image;
        try {
            int mine = -1;
            for (int i = 0; i < cpus.length; i++) {
                groups.add(HotCountGroup.open(setup, PerfSyscalls.KERNEL, cpus[i], hot.capacity()));
                maps.add(PerfErrors.mmap(groups.get(i).leader(), (long) (RING_PAGES + 1) * setup.pageSize(), cpus[i]));
                long[] ids = groups.get(i).redirectSamplers();
                hot.samplers(cpus[i], ids);
                if (cpus[i] == cpu) {
                    mine = i;
                    for (int g = 0; g < ids.length; g++) {
                        generated.put("sampler." + g + ".id", ids[g]);
                    }
                }
            }
            if (mine < 0) {
                throw new IllegalArgumentException("CPU " + cpu + " is not online");
            }
            Map<String, Long> before = Snmp.udp();
            for (HotCountGroup g : groups) {
                g.start();
            }
            Map<String, Long> first = new LinkedHashMap<>();
            generate(noport, rcvbuf, first);
            // The last sample is a full-buffer drop: its key goes to counter C1 on every CPU.
            long[] key = lastSampleKey(dataArea(maps.get(mine).buffer()), setup.layout());
            int j = hot.promoteKey(key[0], (int) key[1]);
            for (HotCountGroup g : groups) {
                g.prepareHandOver(hot.generation(), j, new String[] {hot.counterFilter(j, null)},
                        hot.samplerFilter(null));
            }
            for (HotCountGroup g : groups) {
                g.handOver(hot.generation(), j, 1);
            }
            hot.handedOver();
            Map<String, Long> second = new LinkedHashMap<>();
            generate(noport, rcvbuf, second);
            for (HotCountGroup g : groups) {
                g.stop();
            }
            TimeUnit.MILLISECONDS.sleep(SETTLE_MILLIS);
            Map<String, Long> after = Snmp.udp();
            first.forEach((k, v) -> generated.put(k, k.equals("rcvbuf.so_rcvbuf") ? v : v + second.get(k)));
            for (String counter : List.of("NoPorts", "RcvbufErrors", "InErrors")) {
                generated.put("snmp.Udp." + counter, after.get(counter) - before.get(counter));
            }
            generated.put("key.location", key[0]);
            generated.put("key.reason", key[1]);
            ByteBuffer counts = groups.get(mine).readCounts();
            for (int i = 0; i <= hot.groupSize(); i++) {
                generated.put("group." + i, counts.getLong(8 * i));
            }
            image = dataArea(maps.get(mine).buffer());
        } finally {
            maps.forEach(RingMapping::close);
            groups.forEach(HotCountGroup::close);
        }
        Map<Integer, Integer> types = walk(image);
        generated.put("records", (long) types.getOrDefault(PerfConstants.PERF_RECORD_SAMPLE, 0));
        generated.put("bytes", (long) image.length);
        if (types.size() != 1) {
            throw new IllegalStateException("CPU " + cpu + " ring holds records " + types + ": run it again");
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".bin"), image);
        Files.writeString(dir.resolve(name + ".md"), groupSidecar(name, setup, cpu, command, generated),
                StandardCharsets.UTF_8);
        System.out.println(name + ": " + image.length + " bytes, " + generated);
    }

    /** (location, reason) of the last sample of a counting group's ring image. */
    private static long[] lastSampleKey(byte[] image, KfreeSkbLayout layout) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int last = -1;
        for (int p = 0; p < image.length; p += Short.toUnsignedInt(b.getShort(p + 6))) {
            last = p;
        }
        // header, IDENTIFIER, u64 nr, nr values, u32 raw size, raw entry
        int raw = last + 24 + 8 * (int) b.getLong(last + 16) + 4;
        return new long[] {b.getLong(raw + layout.locationOffset()), b.getInt(raw + layout.reasonOffset())};
    }

    private static String groupSidecar(String name, TracepointSetup setup, int cpu, String command,
            Map<String, Long> generated) throws IOException {
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim().replaceFirst("-.*", "");
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(name).append(".bin\n\n");
        sb.append("A perf ring image of a hot-key counting group (`HotCountGroup`) on `skb:kfree_skb`, captured ")
          .append("from the running kernel: the data area of CPU ").append(cpu).append("'s group leader's ring ")
          .append("from offset 0 to `data_head`, unwrapped, nothing consumed. Written by `RingCapture` ")
          .append("(src/capture/java/org/dropscope/source/tracepoint), run by `bench/capture-fixture.sh`.\n\n");
        sb.append("- **Kernel:** Linux ").append(release).append(" x86_64, little-endian.\n");
        sb.append("- **Date:** ").append(LocalDate.now(ZoneOffset.UTC)).append(" (VM clock).\n");
        sb.append("- **Command:** `").append(command).append("`, as root.\n");
        sb.append("- **Events per CPU:** a counting leader (no filter: it counts every drop, read_format GROUP, ")
          .append("owns the ring), ").append(TracepointOptions.HOT_KEYS + 1)
          .append(" samplers (sample_period 1, sample_type 0x")
          .append(Long.toHexString(TracepointSetup.HOT_SAMPLE_FORMAT.sampleType()))
          .append(" = IDENTIFIER | READ | RAW, read_format GROUP, output set to the leader's ring), ")
          .append(TracepointOptions.HOT_KEYS).append(" counters; sampler 0 enabled at start.\n");
        sb.append("- **Record layout:** `perf_event_header`, u64 id (the sampler's PERF_EVENT_IOC_ID), u64 nr (")
          .append(2 * TracepointOptions.HOT_KEYS + 2).append("), nr u64 values (leader, samplers, counters), ")
          .append("u32 raw size, the raw entry (").append(setup.layout()).append("), padding.\n");
        sb.append("- **Traffic:** in a private network namespace, pinned to CPU ").append(cpu)
          .append(", twice: ").append(generated.get("noport.sent") / 2).append(" datagrams to a closed port, then ")
          .append(generated.get("rcvbuf.sent") / 2).append(" to a fresh bound socket with SO_RCVBUF 1, never read ")
          .append("before its drops. Between the two rounds, the key of the last sample (the full buffer's ")
          .append("`udp_queue_rcv_one_skb`, SOCKET_RCVBUFF) was handed over on every CPU: counter 1 got the key ")
          .append("as its filter, sampler 1 the negation, both were enabled, then sampler 0 was disabled. ")
          .append("The second round's full-buffer drops are therefore in counter 1's count (`group.")
          .append(TracepointOptions.HOT_KEYS + 3).append("`), not in the image.\n\n");
        sb.append("## Generated\n\nRead by `CapturedRingTest`. `snmp` rows are deltas of the namespace's ")
          .append("/proc/net/snmp around the capture; `group.0` is nr and `group.1` .. the values of the capture ")
          .append("CPU's final group read; `records` counts the image's records.\n\n")
          .append("| key | value |\n|---|---|\n");
        for (Map.Entry<String, Long> e : generated.entrySet()) {
            sb.append("| ").append(e.getKey()).append(" | ").append(Long.toUnsignedString(e.getValue())).append(" |\n");
        }
        return sb.toString();
    }

    private void capture(Path dir, String name, boolean stacks, int noport, int rcvbuf, int cpu, String command)
            throws IOException, SourceException, NativeException, InterruptedException {
        TracepointOptions options = new TracepointOptions(RING_PAGES, stacks, TracepointOptions.DEFAULT_POLL_MILLIS, null, false);
        TracepointSetup setup = TracepointSetup.read(options);
        KfreeSkbLayout committed;
        try (Reader r = Files.newBufferedReader(FORMAT_FIXTURE, StandardCharsets.UTF_8)) {
            committed = KfreeSkbLayout.from(TracepointFormat.parse(r));
        } catch (TracefsFormatException e) {
            throw new IOException(e);
        }
        if (!committed.toString().equals(setup.layout().toString())) {
            throw new IllegalStateException("this kernel's kfree_skb layout " + setup.layout() + " is not the one of "
                    + FORMAT_FIXTURE + ", " + committed + ": capture a format fixture first");
        }
        int[] cpus = setup.onlineCpus();
        List<Event> events = new ArrayList<>();
        List<RingMapping> maps = new ArrayList<>();
        Map<String, Long> generated = new LinkedHashMap<>();
        byte[] image = null;
        int[] otherRecords = new int[cpus.length];
        try {
            // read_format does not change what a sample holds; these images were captured without it.
            ByteBuffer attr = setup.perfEventAttr(false);
            int mine = -1;
            for (int i = 0; i < cpus.length; i++) {
                events.add(PerfErrors.open(PerfSyscalls.KERNEL, attr, cpus[i], setup));
                maps.add(PerfErrors.mmap(events.get(i), (long) (RING_PAGES + 1) * setup.pageSize(), cpus[i]));
                if (cpus[i] == cpu) {
                    mine = i;
                }
            }
            if (mine < 0) {
                throw new IllegalArgumentException("CPU " + cpu + " is not online");
            }
            Map<String, Long> before = Snmp.udp();
            for (Event e : events) {
                e.enable();
            }
            generate(noport, rcvbuf, generated);
            for (Event e : events) {
                e.disable();
            }
            TimeUnit.MILLISECONDS.sleep(SETTLE_MILLIS);
            Map<String, Long> after = Snmp.udp();
            for (String counter : List.of("NoPorts", "RcvbufErrors", "InErrors")) {
                generated.put("snmp.Udp." + counter, after.get(counter) - before.get(counter));
            }
            for (int i = 0; i < cpus.length; i++) {
                byte[] bytes = dataArea(maps.get(i).buffer());
                if (i == mine) {
                    image = bytes;
                } else {
                    otherRecords[i] = walk(bytes).values().stream().mapToInt(Integer::intValue).sum();
                }
            }
        } finally {
            maps.forEach(RingMapping::close);
            events.forEach(Event::close);
        }
        Map<Integer, Integer> types = walk(image);
        long samples = types.getOrDefault(PerfConstants.PERF_RECORD_SAMPLE, 0);
        long expected = generated.get("snmp.Udp.NoPorts") + generated.get("snmp.Udp.RcvbufErrors");
        if (types.size() != 1 || samples != expected) {
            throw new IllegalStateException("CPU " + cpu + " ring holds records " + types + ", expected " + expected
                    + " samples only: unrelated drops or lost records during the capture; run it again");
        }
        for (int i = 0; i < cpus.length; i++) {
            if (otherRecords[i] != 0) {
                throw new IllegalStateException("CPU " + cpus[i] + " has " + otherRecords[i]
                        + " records: the sender was not pinned to CPU " + cpu + ", or the host dropped packets");
            }
        }
        generated.put("records", samples);
        generated.put("bytes", (long) image.length);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".bin"), image);
        Files.writeString(dir.resolve(name + ".md"), sidecar(name, setup, stacks, cpu, command, generated),
                StandardCharsets.UTF_8);
        System.out.println(name + ": " + samples + " records, " + image.length + " bytes, " + generated);
    }

    /** The data area from its start to data_head; the events are disabled, nothing was consumed. */
    private static byte[] dataArea(ByteBuffer mapping) {
        long head = (long) U64.getAcquire(mapping, PerfMmapPage.OFFSET_DATA_HEAD);
        long tail = (long) U64.getAcquire(mapping, PerfMmapPage.OFFSET_DATA_TAIL);
        long offset = (long) U64.getAcquire(mapping, PerfMmapPage.OFFSET_DATA_OFFSET);
        long size = (long) U64.getAcquire(mapping, PerfMmapPage.OFFSET_DATA_SIZE);
        if (tail != 0 || head > size) {
            throw new IllegalStateException("ring wrapped or was read: head " + head + ", tail " + tail
                    + ", size " + size + "; capture fewer drops");
        }
        byte[] out = new byte[(int) head];
        mapping.duplicate().position((int) offset).get(out);
        return out;
    }

    /** Record counts by type, walking the headers; checks that the records tile the bytes. */
    static Map<Integer, Integer> walk(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        Map<Integer, Integer> types = new LinkedHashMap<>();
        int p = 0;
        while (p < image.length) {
            int type = b.getInt(p);
            int size = Short.toUnsignedInt(b.getShort(p + 6));
            if (size < 8 || (size & 7) != 0 || p + size > image.length) {
                throw new IllegalStateException("bad record header at " + p + ": type " + type + ", size " + size);
            }
            types.merge(type, 1, Integer::sum);
            p += size;
        }
        return types;
    }

    private static void generate(int noport, int rcvbuf, Map<String, Long> generated) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        ByteBuffer payload = ByteBuffer.allocate(PAYLOAD);
        try (DatagramChannel tx = DatagramChannel.open(StandardProtocolFamily.INET)) {
            // Unconnected: the ICMP port unreachable answers are not reported to the socket.
            tx.bind(new InetSocketAddress(lo, 0));
            InetSocketAddress closed;
            try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET)) {
                probe.bind(new InetSocketAddress(lo, 0));
                closed = (InetSocketAddress) probe.getLocalAddress();
            }
            for (int i = 0; i < noport; i++) {
                tx.send(payload.clear(), closed);
            }
            generated.put("noport.sent", (long) noport);
            try (DatagramChannel rx = DatagramChannel.open(StandardProtocolFamily.INET)) {
                // The kernel raises 1 to its minimum receive buffer (SOCK_MIN_RCVBUF).
                rx.setOption(StandardSocketOptions.SO_RCVBUF, 1);
                rx.bind(new InetSocketAddress(lo, 0));
                checkSmallBuffer(rx);
                for (int i = 0; i < rcvbuf; i++) {
                    tx.send(payload.clear(), rx.getLocalAddress());
                }
                rx.configureBlocking(false);
                long delivered = 0;
                ByteBuffer in = ByteBuffer.allocate(2048);
                while (rx.receive(in.clear()) != null) {
                    delivered++;
                }
                generated.put("rcvbuf.sent", (long) rcvbuf);
                generated.put("rcvbuf.delivered", delivered);
                generated.put("rcvbuf.so_rcvbuf", (long) rx.getOption(StandardSocketOptions.SO_RCVBUF));
            }
        }
    }

    /** Guards against a receive buffer that the kernel did not shrink (few drops would follow). */
    private static void checkSmallBuffer(DatagramChannel rx) throws IOException {
        int size = rx.getOption(StandardSocketOptions.SO_RCVBUF);
        if (size > 8192) {
            throw new IllegalStateException("SO_RCVBUF is " + size + " bytes: too large to drop reliably");
        }
    }

    private static String sidecar(String name, TracepointSetup setup, boolean stacks, int cpu, String command,
            Map<String, Long> generated) throws IOException {
        KfreeSkbLayout l = setup.layout();
        // uname -r carries a local build suffix on the development VM; kallsyms-fixtures leaves it out too.
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim().replaceFirst("-.*", "");
        String live = sha256(Files.readAllBytes(Path.of("/proc/kallsyms")));
        String snapshot;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(KALLSYMS_SNAPSHOT))) {
            snapshot = sha256(in.readAllBytes());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(name).append(".bin\n\n");
        sb.append("A perf ring image of `skb:kfree_skb` samples captured from the running kernel: the data area of CPU ")
          .append(cpu).append("'s ring from offset 0 to `data_head`, i.e. every record in ring order, unwrapped ")
          .append("(the ring never filled), nothing consumed. Written by `RingCapture` ")
          .append("(src/capture/java/org/dropscope/source/tracepoint), run by `bench/capture-fixture.sh`.\n\n");
        sb.append("- **Kernel:** Linux ").append(release)
          .append(" x86_64, little-endian (`uname -r` carries a local build suffix, left out here).\n");
        sb.append("- **Date:** ").append(LocalDate.now(ZoneOffset.UTC)).append(" (VM clock).\n");
        sb.append("- **Command:** `").append(command).append("`, as root.\n");
        sb.append("- **perf_event_attr:** what `TracepointSource` opens (same `TracepointSetup`): type ")
          .append("PERF_TYPE_TRACEPOINT, config ").append(l.eventId()).append(" (tracepoint id), sample_period 1, ")
          .append("sample_type 0x").append(Long.toHexString(setup.sampleFormat().sampleType())).append(" (")
          .append(stacks ? "CALLCHAIN | RAW" : "RAW").append("), watermark 1, wakeup_watermark a quarter of the ring")
          .append(stacks ? ", exclude_callchain_user, sample_max_stack " + KfreeSkbDecoder.MAX_STACK : "")
          .append("; one event per online CPU, ").append(RING_PAGES).append(" data pages each.\n");
        sb.append("- **Record layout:** `perf_event_header` (u32 type, u16 misc, u16 size)")
          .append(stacks ? ", u64 nr, nr x u64 ip (PERF_CONTEXT_KERNEL, then the kernel frames)" : "")
          .append(", u32 raw size, the raw entry, padding to 8 bytes.\n");
        sb.append("- **Raw entry layout:** ").append(l).append(", as in ")
          .append("`").append(FORMAT_FIXTURE).append("` (checked at capture time).\n");
        sb.append("- **kallsyms:** sha256 of /proc/kallsyms at capture time `").append(live).append("`; ")
          .append(live.equals(snapshot) ? "identical to the uncompressed `" + KALLSYMS_SNAPSHOT
                  + "` (no KASLR, same build), which therefore resolves these addresses."
                  : "DIFFERENT from `" + KALLSYMS_SNAPSHOT + "`: commit this boot's kallsyms with the image.")
          .append("\n");
        sb.append("- **Traffic:** in a private network namespace (`unshare --net`, only `lo`, up), one unconnected ")
          .append("UDP socket on 127.0.0.1, pinned to CPU ").append(cpu).append(", sent ").append(PAYLOAD)
          .append("-byte datagrams, one `send(2)` each: first ").append(generated.get("noport.sent"))
          .append(" to a closed port (reason NO_SOCKET at `__udp4_lib_rcv`), then ")
          .append(generated.get("rcvbuf.sent")).append(" to a bound socket with SO_RCVBUF 1 (the kernel makes it ")
          .append(generated.get("rcvbuf.so_rcvbuf")).append(") that is read only after the capture ")
          .append("(reason SOCKET_RCVBUFF at `udp_queue_rcv_one_skb`). The other CPUs' rings stayed empty.\n\n");
        sb.append("## Generated\n\nRead by `CapturedRingTest`. `snmp` rows are deltas of the namespace's ")
          .append("/proc/net/snmp around the capture; `records` counts the image's record headers.\n\n")
          .append("| key | value |\n|---|---|\n");
        for (Map.Entry<String, Long> e : generated.entrySet()) {
            sb.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
        }
        return sb.toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Udp counters of /proc/net/snmp (of this network namespace). */
    private static final class Snmp {
        static Map<String, Long> udp() {
            try {
                List<String> udp = Files.readAllLines(Path.of("/proc/net/snmp")).stream()
                        .filter(s -> s.startsWith("Udp: ")).toList();
                String[] names = udp.get(0).split(" ");
                String[] values = udp.get(1).split(" ");
                Map<String, Long> m = new LinkedHashMap<>();
                for (int i = 1; i < names.length; i++) {
                    m.put(names[i], Long.parseLong(values[i]));
                }
                return m;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
