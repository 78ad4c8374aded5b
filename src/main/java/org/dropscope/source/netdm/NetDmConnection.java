// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source.netdm;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.dropscope.netlink.GenlFamily;
import org.dropscope.netlink.GenlFamilyResolver;
import org.dropscope.netlink.NetlinkClient;
import org.dropscope.netlink.NetlinkKernelException;
import org.dropscope.netlink.NetlinkListener;
import org.dropscope.netlink.NetlinkTransport;
import org.dropscope.netlink.NlMsg;
import org.dropscope.netlink.dropmon.NetDmConstants;
import org.dropscope.netlink.dropmon.NetDmControl;
import org.dropscope.netlink.dropmon.NetDmMessage;
import org.dropscope.source.DropSource;
import org.dropscope.source.NetDmSettings;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFactory;

/**
 * The shell's link to NET_DM, open for the whole shell as dropwatch's is: a control socket that
 * resolved the {@code NET_DM} generic netlink family and sends CONFIG, CONFIG_GET, STATS_GET,
 * START and STOP (include/uapi/linux/net_dropmon.h). Monitoring sessions ({@link NetDmSource})
 * receive alerts on a socket of their own, so a flood of alerts cannot push the answers to these
 * requests out of a shared receive buffer.
 *
 * <p>Alert mode, truncation length and queue length are global kernel state that outlives any
 * client. The configuration found before the first change is remembered and put back by
 * {@link #close()}.
 */
public final class NetDmConnection implements SourceFactory, NetDmSettings, AutoCloseable {
    /** Receive buffer of a session's alert socket, for bursts of alerts. */
    public static final int DEFAULT_ALERT_BUFFER = 8 << 20;
    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
    /** What the shell offers where NET_DM is missing. */
    private static final String SHELL_ALTERNATIVE = "use --source tracepoint, which needs neither";

    private final NetDmSockets sockets;
    private final NetlinkClient client;
    private final NetDmControl control;
    private final int alertBufferBytes;
    private NetDmMessage.Config original;
    private boolean software;
    private boolean hardware;
    private boolean monitoring;
    private boolean closed;

    private NetDmConnection(NetDmSockets sockets, NetlinkClient client, GenlFamily family, int alertBufferBytes) {
        this.sockets = sockets;
        this.client = client;
        this.control = new NetDmControl(client, family, ALLOC);
        this.alertBufferBytes = alertBufferBytes;
    }

    /**
     * Opens a control socket through {@code sockets} and resolves the family, for the shell,
     * {@code top} and {@code record} (tests pass sockets that replay a kernel's messages).
     *
     * @param alertBufferBytes the receive buffer each session's alert socket asks for
     *     (SO_RCVBUFFORCE, see socket(7); the kernel doubles it for its bookkeeping)
     * @throws SourceException when the kernel has no NET_DM family here (module missing, kernel
     *     without CONFIG_NET_DROP_MONITOR, or a network namespace other than the initial one)
     */
    public static NetDmConnection connect(NetDmSockets sockets, int alertBufferBytes) throws SourceException {
        return connect(sockets, SHELL_ALTERNATIVE, alertBufferBytes);
    }

    /**
     * Opens a control socket through {@code sockets} and resolves the family.
     *
     * @param alternative what to do instead when the kernel has no NET_DM, ending the error
     *     message ("... or " + alternative)
     * @param alertBufferBytes the receive buffer each session's alert socket asks for
     * @throws SourceException when the kernel has no NET_DM family here (module missing, kernel
     *     without CONFIG_NET_DROP_MONITOR, or a network namespace other than the initial one)
     */
    public static NetDmConnection connect(NetDmSockets sockets, String alternative, int alertBufferBytes)
            throws SourceException {
        if (alertBufferBytes <= 0) {
            throw new IllegalArgumentException("alert buffer size must be positive: " + alertBufferBytes);
        }
        String otherNamespace = NetDmErrors.otherNetworkNamespace();
        NetlinkTransport transport;
        try {
            transport = sockets.openControl();
        } catch (IOException e) {
            throw new SourceException(SourceException.Kind.SYSTEM,
                    "cannot open a generic netlink socket: " + e.getMessage(), e);
        }
        NetlinkClient client = new NetlinkClient(transport, NetlinkListener.NONE);
        try {
            GenlFamily family = new GenlFamilyResolver(client, ALLOC).resolve(NetDmConstants.NET_DM_FAMILY_NAME);
            return new NetDmConnection(sockets, client, family, alertBufferBytes);
        } catch (GenlFamilyResolver.FamilyNotFoundException e) {
            closeQuietly(client);
            throw NetDmErrors.familyMissing(otherNamespace, alternative, e);
        } catch (IOException e) {
            closeQuietly(client);
            throw new SourceException(SourceException.Kind.SYSTEM,
                    "cannot resolve the NET_DM generic netlink family: " + e.getMessage(), e);
        }
    }

    /** How sessions open their alert sockets. */
    NetDmSockets sockets() {
        return sockets;
    }

    /** The resolved family: its id and multicast groups differ per boot. */
    GenlFamily family() {
        return control.family();
    }

    @Override
    public synchronized DropSource open() throws SourceException {
        return new NetDmSource(this, alertBufferBytes);
    }

    /**
     * What a record file's header says of NET_DM (docs/file-format.md, tag 10): the family's
     * version and the configuration monitoring runs with.
     */
    Map<String, String> recordProperties() throws SourceException {
        Config c = config();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("netdm.family.version", Integer.toString(control.family().version()));
        p.put("netdm.alert_mode", c.packetMode() ? "packet" : "summary");
        p.put("netdm.trunc_len", Long.toString(c.truncLength()));
        p.put("netdm.queue_len", Long.toString(c.queueLength()));
        return p;
    }

    /** The kernel version's one-line description of this source. */
    String describe() {
        GenlFamily f = control.family();
        return "NET_DM (drop_monitor) generic netlink family id " + f.id() + ", version " + f.version();
    }

    synchronized void startMonitoring() throws SourceException {
        try {
            control.start(software, hardware);
            monitoring = true;
        } catch (IOException e) {
            throw NetDmErrors.request("activation", e);
        }
    }

    synchronized void stopMonitoring() throws SourceException {
        if (monitoring) {
            sendStop();
        }
    }

    /**
     * Sends STOP for the drops {@link #setMonitored} names, whoever started monitoring: dwdump's
     * {@code -e}, for a monitor that was killed and left the kernel monitoring.
     */
    public synchronized void sendStop() throws SourceException {
        try {
            control.stop(software, hardware);
            monitoring = false;
        } catch (IOException e) {
            throw NetDmErrors.request("stop", e);
        }
    }

    /**
     * Every generic netlink family, as nlctrl's dump sends them (see
     * {@link GenlFamilyResolver#dumpFamilies}).
     */
    synchronized int dumpFamilies(Consumer<NlMsg> each) throws SourceException {
        try {
            return new GenlFamilyResolver(client, ALLOC).dumpFamilies(each);
        } catch (IOException e) {
            throw new SourceException(SourceException.Kind.SYSTEM, "cannot list the generic netlink families: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Config config() throws SourceException {
        NetDmMessage.Config c = current();
        return new Config(c.isPacketMode(), c.truncLength(), c.queueLength());
    }

    /** Sets alert mode, truncation and queue length in one CONFIG request, as dwdump does. */
    public void configure(Config c) throws SourceException {
        configure(c.packetMode() ? NetDmConstants.NET_DM_ALERT_MODE_PACKET : NetDmConstants.NET_DM_ALERT_MODE_SUMMARY,
                c.truncLength(), c.queueLength());
    }

    @Override
    public void setPacketMode(boolean packet) throws SourceException {
        configure(packet ? NetDmConstants.NET_DM_ALERT_MODE_PACKET : NetDmConstants.NET_DM_ALERT_MODE_SUMMARY,
                null, null);
    }

    @Override
    public void setTruncLength(long bytes) throws SourceException {
        configure(null, bytes, null);
    }

    @Override
    public void setQueueLength(long packets) throws SourceException {
        configure(null, null, packets);
    }

    @Override
    public synchronized void setMonitored(boolean software, boolean hardware) {
        this.software = software;
        this.hardware = hardware;
    }

    @Override
    public synchronized Stats stats() throws SourceException {
        try {
            NetDmMessage.Stats s = control.stats();
            return new Stats(s.dropped(), s.hwDropped());
        } catch (IOException e) {
            throw NetDmErrors.request("statistics", e);
        }
    }

    private synchronized void configure(Integer mode, Long trunc, Long queue) throws SourceException {
        NetDmMessage.Config before = original != null ? original : current();
        try {
            control.configure(mode, trunc, queue);
        } catch (IOException e) {
            // A refusal changed nothing; after a timeout the kernel may have applied it.
            if (!(e instanceof NetlinkKernelException)) {
                original = before;
            }
            throw NetDmErrors.request("config", e);
        }
        original = before;
    }

    private NetDmMessage.Config current() throws SourceException {
        try {
            return control.config();
        } catch (IOException e) {
            throw NetDmErrors.request("config query", e);
        }
    }

    /**
     * Stops monitoring if a session left it on, puts back the configuration found before the
     * first change, and closes the socket. Idempotent, never throws: it runs on every exit path.
     *
     * @return a line saying what could not be restored, or {@code null}
     */
    public synchronized String closeAndRestore() {
        if (closed) {
            return null;
        }
        closed = true;
        String problem = null;
        try {
            stopMonitoring();
        } catch (SourceException e) {
            problem = "could not stop NET_DM monitoring: " + e.getMessage();
        }
        if (original != null) {
            try {
                control.configure(original.alertMode(), original.truncLength(), original.queueLength());
            } catch (IOException e) {
                problem = "could not restore NET_DM's configuration (alert mode " + original.alertMode()
                        + ", trunc " + original.truncLength() + ", queue " + original.queueLength() + "): "
                        + e.getMessage();
            }
        }
        closeQuietly(client);
        return problem;
    }

    @Override
    public void close() {
        closeAndRestore();
    }

    private static void closeQuietly(NetlinkClient client) {
        try {
            client.close();
        } catch (IOException e) {
            // Closing a socket we own: nothing left to do about it.
        }
    }

    /** The inode in {@code /proc/PID/ns/net}, as "net:[4026531840]", or null if unreadable. */
    static String netNamespace(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
