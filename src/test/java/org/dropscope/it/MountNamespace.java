// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private mount namespace ({@code unshare -m --propagation private}) held open by a
 * {@code cat} that reads a pipe of this JVM: it ends when closed or when the test JVM dies,
 * taking every mount made in it along. dropscope is run inside it through {@link #prefix()}
 * ({@code nsenter}, which execs: the process id is dropscope's), so that
 * <ul>
 *   <li>the state of tracefs before the run is the test's choice, not the machine's or a
 *       concurrent test's: {@link TracefsState#UNMOUNTED} removes every tracefs and debugfs
 *       mount in the namespace, {@link TracefsState#MOUNTED} mounts tracefs where dropscope
 *       looks first;</li>
 *   <li>the mount table dropscope leaves behind can be read after it exited
 *       ({@link #mounts()});</li>
 *   <li>nothing dropscope mounts, or fails to unmount, outlives the test.</li>
 * </ul>
 */
final class MountNamespace implements AutoCloseable {
    /** Where dropscope looks for, and mounts, tracefs. */
    static final String TRACING = "/sys/kernel/tracing";

    /** tracefs in the namespace before dropscope runs. */
    enum TracefsState { UNMOUNTED, MOUNTED }

    private final Process holder;
    private final OutputStream keepAlive;

    private MountNamespace(Process holder) {
        this.holder = holder;
        this.keepAlive = holder.getOutputStream();
    }

    /** A new namespace with tracefs in {@code state}. */
    static MountNamespace create(TracefsState state) {
        Process p;
        try {
            p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "cat")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run unshare", e);
        }
        MountNamespace ns = new MountNamespace(p);
        try {
            ns.awaitOwnNamespace();
            ns.unmountTracing();
            if (state == TracefsState.MOUNTED) {
                ns.run("mount", "-t", "tracefs", "nodev", TRACING).checked();
            }
            List<String> tracefs = ns.mounts().stream().filter(l -> l.contains(" tracefs ")).toList();
            assertEquals(state == TracefsState.MOUNTED ? 1 : 0, tracefs.size(), "tracefs mounts: " + tracefs);
        } catch (RuntimeException | AssertionError e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /**
     * The kfree_skb event's {@code enable} and {@code filter} files, read through a tracefs mounted
     * in a namespace of its own: what dropscope must never change.
     */
    static String kfreeSkbControls() {
        try (MountNamespace ns = create(TracefsState.MOUNTED)) {
            String event = TRACING + "/events/skb/kfree_skb/";
            return ns.run("cat", event + "enable", event + "filter").checked().stdout();
        }
    }

    /** The command prefix that runs a program inside the namespace. */
    List<String> prefix() {
        return List.of("nsenter", "-t", Long.toString(holder.pid()), "-m", "--");
    }

    /** Runs {@code command} inside the namespace. */
    Commands.Result run(String... command) {
        return Commands.run(Commands.concat(prefix(), List.of(command)));
    }

    /** The namespace's mount table, as {@code /proc/PID/mounts} lists it. */
    List<String> mounts() {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(holder.pid()), "mounts"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mount namespace's mount table", e);
        }
    }

    /**
     * Asserts that the mount table is {@code before}, naming the mounts added and removed if not.
     * Network namespace handles (nsfs, /run/netns) are left out: other tests' namespaces, made and
     * deleted by a concurrent test run, come and go in every mount namespace.
     */
    void assertMountsAre(List<String> expected, String when) {
        List<String> now = withoutNsfs(mounts());
        List<String> before = withoutNsfs(expected);
        if (!now.equals(before)) {
            List<String> added = now.stream().filter(m -> !before.contains(m)).toList();
            List<String> removed = before.stream().filter(m -> !now.contains(m)).toList();
            fail("mount table " + when + " differs from before the run: added " + added + ", removed " + removed);
        }
    }

    private static List<String> withoutNsfs(List<String> mounts) {
        return mounts.stream().filter(m -> !m.split(" ")[2].equals("nsfs")).toList();
    }

    /** Waits until unshare(2) has given the holder its own mount namespace. */
    private void awaitOwnNamespace() {
        Path own = Path.of("/proc/self/ns/mnt");
        Path held = Path.of("/proc", Long.toString(holder.pid()), "ns", "mnt");
        long deadline = System.nanoTime() + Commands.TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (!holder.isAlive()) {
                    fail("unshare -m exited with " + holder.exitValue());
                }
                if (!Files.readSymbolicLink(held).equals(Files.readSymbolicLink(own))) {
                    return;
                }
                Thread.sleep(10);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        fail("unshare -m did not enter a new mount namespace within " + Commands.TIMEOUT);
    }

    /** Unmounts every tracefs and debugfs in the namespace, innermost (last listed) first. */
    private void unmountTracing() {
        for (int round = 0; round < 64; round++) {
            List<String> tracing = mounts().stream()
                    .filter(l -> l.split(" ")[2].equals("tracefs") || l.split(" ")[2].equals("debugfs")).toList();
            if (tracing.isEmpty()) {
                return;
            }
            String target = tracing.get(tracing.size() - 1).split(" ")[1];
            run("umount", unescape(target)).checked();
        }
        fail("could not unmount tracefs and debugfs in the test's mount namespace: " + mounts());
    }

    /** Mount table paths escape space, tab, newline and backslash as octal ({@code \040}). */
    private static String unescape(String path) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 3 < path.length() && path.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(path.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Ends the holder, and with it the namespace and its mounts. */
    @Override
    public void close() {
        try {
            keepAlive.close();
        } catch (IOException e) {
            // The holder is gone already.
        }
        try {
            if (!holder.waitFor(Commands.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                holder.destroyForcibly().waitFor(Commands.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            holder.destroyForcibly();
        }
    }
}
