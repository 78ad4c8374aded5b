// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Finds tracefs, or mounts a private view of it for as long as dropscope needs to read tracepoint
 * ids and formats.
 *
 * <p>perf_event_open(2) needs only a tracepoint's numeric id, so the intended use is short:
 * <pre>{@code
 * try (Tracefs tracefs = Tracefs.open(mounter)) {
 *     int id = tracefs.eventId("skb", "kfree_skb");
 *     TracepointFormat format = tracefs.eventFormat("skb", "kfree_skb");
 * } // releases the private mount if, and only if, this object made one
 * }</pre>
 * after which the tracing state of the machine is as it was. Nothing here enables events or
 * writes to tracefs.
 *
 * <p><b>Search order</b> (tracefs layout: {@code Documentation/trace/ftrace.rst}, "The File
 * System"; event files: {@code Documentation/trace/events.rst}):
 * <ol>
 * <li>a {@code tracefs} mount anywhere in the mount table, preferring
 *     {@code /sys/kernel/tracing} and otherwise taking the first in table order;</li>
 * <li>{@code debugfs} mounted at {@code /sys/kernel/debug} with a {@code tracing/} directory
 *     (on kernels 4.1 and later the kernel itself automounts tracefs there on first access; that
 *     mount belongs to the kernel and is left alone);</li>
 * <li>otherwise, after checking that {@code /proc/filesystems} lists tracefs, a <em>detached</em>
 *     mount of it ({@link Mounter#mountDetached}): attached to no directory, in no mount table.
 *     It is this process's alone, so two dropscope processes started at the same moment never
 *     read through a tracefs the other unmounts (which mounting at {@code /sys/kernel/tracing}
 *     and unmounting it again allowed), and the kernel releases it with the process however that
 *     ends, SIGKILL included; {@link #close()} releases it at once.</li>
 * </ol>
 * Every input is injectable: the mount table and filesystem list are readers, mounting goes
 * through a {@link Mounter}, and {@code /sys/kernel} can be replaced by a test directory.
 *
 * <p>Errors are {@link TracefsException}s with a {@link TracefsException.Kind} and a one-line
 * message stating the cause and the fix. Not thread-safe.
 */
public final class Tracefs implements Closeable {
    /** Where the kernel provides the tracefs and debugfs mount points. */
    public static final Path SYS_KERNEL = Path.of("/sys/kernel");

    private static final Set<String> NET_SYSTEMS =
            Set.of("skb", "net", "napi", "sock", "tcp", "udp", "neigh", "qdisc", "fib", "fib6");

    /** Opens a tracefs text file; replaced in tests to simulate permission errors. */
    @FunctionalInterface
    interface TextOpener {
        Reader open(Path file) throws IOException;
    }

    private final Path root;
    /** The private mount this object made, or null when it uses a mount it found. */
    private final Mounter.Mount mount;
    private final TextOpener opener;
    private boolean closed;

    private Tracefs(Path root, Mounter.Mount mount, TextOpener opener) {
        this.root = root;
        this.mount = mount;
        this.opener = opener;
    }

    /**
     * Uses {@code root} as the tracefs directory, without searching or mounting: for a tracefs
     * mounted somewhere unusual (a container, a chroot) that the user names.
     *
     * @param root a directory holding {@code events/}
     * @return the tracefs at {@code root}; closing it releases nothing
     */
    public static Tracefs at(Path root) {
        return new Tracefs(root, null, file -> Files.newBufferedReader(file, StandardCharsets.UTF_8));
    }

    /**
     * Finds or mounts tracefs on this machine, reading {@code /proc/self/mounts} and
     * {@code /proc/filesystems}.
     *
     * @param mounter used only if tracefs has to be mounted
     * @return the open tracefs; close it as soon as the ids and formats are read
     * @throws TracefsException if tracefs is neither mounted nor mountable
     * @throws IOException if the proc files cannot be read
     */
    public static Tracefs open(Mounter mounter) throws IOException {
        try (Reader mounts = Files.newBufferedReader(Path.of("/proc/self/mounts"));
                Reader filesystems = Files.newBufferedReader(Path.of("/proc/filesystems"))) {
            return open(mounts, filesystems, mounter, SYS_KERNEL);
        }
    }

    /**
     * Finds or mounts tracefs using the given kernel tables and the real {@code /sys/kernel}.
     *
     * @param procSelfMounts the text of {@code /proc/self/mounts}; not closed
     * @param procFilesystems the text of {@code /proc/filesystems}; not closed
     * @param mounter used only if tracefs has to be mounted
     * @return the open tracefs
     * @throws TracefsException if tracefs is neither mounted nor mountable
     * @throws IOException if a reader fails
     */
    public static Tracefs open(Reader procSelfMounts, Reader procFilesystems, Mounter mounter)
            throws IOException {
        return open(procSelfMounts, procFilesystems, mounter, SYS_KERNEL);
    }

    /**
     * Finds or mounts tracefs using the given kernel tables.
     *
     * @param procSelfMounts the text of {@code /proc/self/mounts}; not closed
     * @param procFilesystems the text of {@code /proc/filesystems}, read only if tracefs has
     *     to be mounted; not closed
     * @param mounter used only if tracefs has to be mounted
     * @param sysKernel the directory holding the {@code tracing} and {@code debug} mount points,
     *     normally {@link #SYS_KERNEL}
     * @return the open tracefs
     * @throws TracefsException if tracefs is neither mounted nor mountable
     * @throws IOException if a reader fails
     */
    public static Tracefs open(Reader procSelfMounts, Reader procFilesystems, Mounter mounter,
            Path sysKernel) throws IOException {
        return open(procSelfMounts, procFilesystems, mounter, sysKernel,
                file -> Files.newBufferedReader(file, StandardCharsets.UTF_8));
    }

    static Tracefs open(Reader procSelfMounts, Reader procFilesystems, Mounter mounter,
            Path sysKernel, TextOpener opener) throws IOException {
        Objects.requireNonNull(mounter, "mounter");
        Path tracing = sysKernel.resolve("tracing");
        Path debug = sysKernel.resolve("debug");
        List<MountTable.Entry> mounts = MountTable.parseMounts(procSelfMounts);

        Path found = null;
        for (MountTable.Entry m : mounts) {
            if (m.fstype().equals("tracefs")) {
                Path p = Path.of(m.target());
                if (p.equals(tracing)) {
                    found = p;
                    break;
                }
                if (found == null) {
                    found = p;
                }
            }
        }
        if (found != null) {
            return new Tracefs(found, null, opener);
        }
        for (MountTable.Entry m : mounts) {
            if (m.fstype().equals("debugfs") && Path.of(m.target()).equals(debug)
                    && Files.isDirectory(debug.resolve("tracing"))) {
                return new Tracefs(debug.resolve("tracing"), null, opener);
            }
        }

        if (!MountTable.parseFilesystems(procFilesystems).contains("tracefs")) {
            throw new TracefsException(TracefsException.Kind.NOT_SUPPORTED, "tracefs is not"
                    + " mounted and not in /proc/filesystems: this kernel was built without"
                    + " CONFIG_TRACING, so it has no tracepoints; use a kernel with"
                    + " CONFIG_TRACING=y (or the NET_DM source, if drop_monitor is available)",
                    null);
        }
        Mounter.Mount mount;
        try {
            mount = mounter.mountDetached("tracefs");
        } catch (AccessDeniedException e) {
            throw new TracefsException(TracefsException.Kind.NOT_PERMITTED, "cannot mount tracefs"
                    + " (it is mounted nowhere): operation not permitted (EPERM): mounting needs"
                    + " CAP_SYS_ADMIN; run dropscope as root, or have root mount it first:"
                    + " mount -t tracefs nodev " + tracing, e);
        } catch (IOException e) {
            throw new TracefsException(TracefsException.Kind.MOUNT_FAILED, "cannot mount tracefs"
                    + " (it is mounted nowhere): " + e.getMessage() + "; mount it by hand"
                    + " (mount -t tracefs nodev " + tracing + ") and retry", e);
        }
        return new Tracefs(mount.root(), mount, opener);
    }

    /**
     * The tracefs directory, e.g. {@code /sys/kernel/tracing}.
     *
     * @return the root, which holds {@code events/}
     */
    public Path root() {
        return root;
    }

    /**
     * Whether this object made a private mount of tracefs, which {@link #close()} releases.
     *
     * @return true if mounted by this object
     */
    public boolean mountedByUs() {
        return mount != null;
    }

    /**
     * Reads {@code events/<system>/<event>/id}: the {@code config} for a
     * {@code PERF_TYPE_TRACEPOINT} perf event.
     *
     * @param system the event system, e.g. {@code skb}
     * @param event the event name, e.g. {@code kfree_skb}
     * @return the id
     * @throws TracefsException if the event does not exist or its file cannot be read
     * @throws TracefsFormatException if the file does not hold a number
     * @throws IOException if reading fails otherwise
     */
    public int eventId(String system, String event) throws IOException {
        Path file = eventDir(system, event).resolve("id");
        String text;
        try (Reader r = open(system, event, file)) {
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[64];
            int n;
            while ((n = r.read(buf)) > 0 && sb.length() < 64) {
                sb.append(buf, 0, n);
            }
            text = sb.toString().strip();
        }
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(Character::isDigit)) {
            throw new TracefsFormatException(1, "expected a decimal event id in " + file
                    + " but found '" + PrintFmtParser.shorten(text) + "'");
        }
        return Integer.parseInt(text);
    }

    /**
     * Reads and parses {@code events/<system>/<event>/format}.
     *
     * @param system the event system, e.g. {@code skb}
     * @param event the event name, e.g. {@code kfree_skb}
     * @return the parsed format
     * @throws TracefsException if the event does not exist or its file cannot be read
     * @throws TracefsFormatException if the file is malformed or describes another event
     * @throws IOException if reading fails otherwise
     */
    public TracepointFormat eventFormat(String system, String event) throws IOException {
        Path file = eventDir(system, event).resolve("format");
        TracepointFormat format;
        try (Reader r = open(system, event, file)) {
            format = TracepointFormat.parse(r);
        }
        if (!format.name().equals(event)) {
            throw new TracefsFormatException(1, "expected 'name: " + event + "' in " + file
                    + " but found 'name: " + format.name() + "'");
        }
        return format;
    }

    /**
     * Releases the private mount if this object made one; otherwise only marks this object
     * closed. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (mount != null) {
            mount.close();
        }
    }

    private Path eventDir(String system, String event) throws TracefsException {
        if (closed) {
            throw new IllegalStateException("tracefs at " + root + " is closed");
        }
        checkName(system);
        checkName(event);
        Path events = root.resolve("events");
        Path dir = events.resolve(system).resolve(event);
        try {
            if (Files.readAttributes(dir, BasicFileAttributes.class).isDirectory()) {
                return dir;
            }
        } catch (AccessDeniedException e) {
            throw unreadable(dir, e);
        } catch (IOException e) {
            // not there: reported below
        }
        String hint = NET_SYSTEMS.contains(system)
                ? "kernel built without CONFIG_NET? (the " + system + " tracepoints come with it)"
                : "kernel built without the option that provides the " + system + " tracepoints?";
        throw new TracefsException(TracefsException.Kind.EVENT_NOT_FOUND, "tracepoint " + system
                + ":" + event + " not found under " + events + ": " + hint + " (see ls "
                + events + ")", null);
    }

    private Reader open(String system, String event, Path file) throws TracefsException,
            IOException {
        try {
            return opener.open(file);
        } catch (AccessDeniedException e) {
            throw unreadable(file, e);
        } catch (NoSuchFileException e) {
            throw new TracefsException(TracefsException.Kind.EVENT_NOT_FOUND, "tracepoint "
                    + system + ":" + event + " has no " + file.getFileName() + " file under "
                    + file.getParent() + ": not a tracepoint directory?", e);
        }
    }

    private static TracefsException unreadable(Path path, IOException cause) {
        return new TracefsException(TracefsException.Kind.UNREADABLE, "cannot read " + path
                + ": permission denied (tracefs files are readable by root only by default);"
                + " run dropscope as root", cause);
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a tracepoint system or event name: '" + name
                    + "'");
        }
    }
}
