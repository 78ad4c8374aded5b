// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.dropscope.testing.KernelTestSupport;

/**
 * The packaged dropscope ({@code java -jar $dropscope.jar}) as a child process whose standard
 * input is a pipe the test writes commands to, and whose output lines the test waits for.
 *
 * <p>The child is started through {@code env --default-signal=INT}: a JVM started by a process
 * that ignores SIGINT (a background job of a script, a build tool) would inherit SIGINT as
 * ignored, and a test that sends SIGINT would then test nothing.
 */
final class ShellProcess implements AutoCloseable {
    /** Printed once the kernel is delivering drops: the ready signal. */
    static final String ACTIVATED = "Kernel monitoring activated.";
    /** Printed after stop has drained every drop and released the source. */
    static final String STOPPED = "Got a stop message";

    private final List<String> command;
    private final Process process;
    private final Writer stdin;
    private final List<String> out = new ArrayList<>();
    private final CompletableFuture<String> err;
    private final Thread outReader;

    private ShellProcess(List<String> command, Process process) {
        this.command = command;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.err = Commands.readAll(process.getErrorStream());
        this.outReader = new Thread(this::readStdout, "it-shell-stdout");
        outReader.setDaemon(true);
        outReader.start();
    }

    /** Skips (or under CI=true fails) unless root and the tools the kernel tests drive exist. */
    static void requireRootAndTools() {
        KernelTestSupport.requireRoot();
        KernelTestSupport.require(Files.isReadable(jar()), "no dropscope jar at " + jar()
                + " (the system property dropscope.jar is set by mvn verify)");
        KernelTestSupport.require(Commands.succeeds("env", "--default-signal=INT", "true"),
                "env --default-signal (GNU coreutils 8.31 or later) is needed");
        KernelTestSupport.require(Commands.succeeds("ip", "netns", "list"), "ip netns (iproute2) is needed");
        KernelTestSupport.require(Commands.succeeds("unshare", "-m", "--propagation", "private", "true")
                && Commands.succeeds("nsenter", "--version") && Commands.succeeds("setpriv", "--version"),
                "unshare, nsenter and setpriv (util-linux) are needed");
    }

    private static Path jarForAnyUser;

    /** The jar under test. */
    static Path jar() {
        return Path.of(System.getProperty("dropscope.jar", "target/dropscope.jar"));
    }

    /** The command line running dropscope with {@code args} after {@code prefix}. */
    static List<String> command(List<String> prefix, List<String> args) {
        return command(prefix, args, jar());
    }

    /** The command line running the dropscope jar at {@code jar} with {@code args} after {@code prefix}. */
    static List<String> command(List<String> prefix, List<String> args, Path jar) {
        List<String> c = new ArrayList<>(prefix);
        c.addAll(List.of("env", "--default-signal=INT"));
        c.addAll(ChildJvm.java("-jar", jar.toString()));
        c.addAll(args);
        return c;
    }

    /**
     * A copy of the jar that any user can read, for tests that run dropscope as an unprivileged
     * user: the checkout may lie under a directory only root may enter (a clone in /root).
     * Made once per test JVM, in a directory of its own under java.io.tmpdir, deleted at exit.
     */
    static synchronized Path jarForAnyUser() {
        if (jarForAnyUser == null) {
            try {
                Path dir = Files.createTempDirectory("dropscope-jar-");
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                Path copy = dir.resolve("dropscope.jar");
                Files.copy(jar(), copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                // Deleted in the reverse order of registration: the copy, then its directory.
                dir.toFile().deleteOnExit();
                copy.toFile().deleteOnExit();
                jarForAnyUser = copy;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + jar() + " where any user can read it", e);
            }
        }
        return jarForAnyUser;
    }

    /** The command line running dropscope's CLI inside {@link ShellProbe}, after {@code prefix}. */
    static List<String> probeCommand(List<String> prefix, List<String> args) {
        List<String> c = new ArrayList<>(prefix);
        c.addAll(ChildJvm.java("-cp", jar() + File.pathSeparator + ChildJvm.testClasses(), ShellProbe.class.getName()));
        c.addAll(args);
        return c;
    }

    /** Starts dropscope with {@code args}, after {@code prefix} (nsenter, setpriv ...). */
    static ShellProcess start(List<String> prefix, String... args) {
        return start(command(prefix, List.of(args)));
    }

    /**
     * Starts dropscope's CLI with {@code args} inside {@link ShellProbe}, which prints the perf
     * resources the process still holds once the command has returned (not after SIGTERM, which
     * ends the JVM at once).
     */
    static ShellProcess startProbe(List<String> prefix, String... args) {
        return start(probeCommand(prefix, List.of(args)));
    }

    /**
     * Starts any {@code command} as this class runs dropscope: a pipe to its standard input, its
     * output lines kept (a sender of traffic that runs until its input ends, {@link Netns.Flow}).
     */
    static ShellProcess startCommand(List<String> command) {
        return start(command);
    }

    private static ShellProcess start(List<String> c) {
        try {
            return new ShellProcess(c, new ProcessBuilder(c).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", c), e);
        }
    }

    /** dropscope's process id: nsenter, setpriv and env exec, so the first process is the JVM. */
    long pid() {
        return process.pid();
    }

    /** Writes one command line to the shell's standard input. */
    void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            fail("cannot send '" + line + "' to dropscope (exited?)\n" + transcript(), e);
        }
    }

    /** Closes the shell's standard input: end of input. */
    void closeInput() {
        try {
            stdin.close();
        } catch (IOException e) {
            // It exited already; its exit code tells.
        }
    }

    /** Sends signal {@code name} ("INT", "TERM") to the shell. */
    void signal(String name) {
        Commands.check("kill", "-s", name, Long.toString(pid()));
    }

    /** Waits for a stdout line equal to {@code line} at or after index {@code from}; returns its index. */
    int awaitLine(String line, int from) {
        return awaitLine(line::equals, "'" + line + "'", from);
    }

    int awaitLine(String line) {
        return awaitLine(line, 0);
    }

    /** Waits for a stdout line that {@code matches}, at or after index {@code from}; returns its index. */
    int awaitLine(Predicate<String> matches, String what, int from) {
        long deadline = System.nanoTime() + Commands.TIMEOUT.toNanos();
        synchronized (out) {
            while (true) {
                for (int i = from; i < out.size(); i++) {
                    if (matches.test(out.get(i))) {
                        return i;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !outReader.isAlive()) {
                    fail("dropscope printed no line " + what + " within " + Commands.TIMEOUT + "\n" + transcript());
                }
                try {
                    out.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /**
     * Sends {@code stats} and returns the samples the session lost, from its {@code all} line
     * ({@code all EVENTS LOST}). After {@code stop} it covers the whole session.
     */
    long lostSamples(int from) {
        send("stats");
        int at = awaitLine(l -> l.startsWith("all "), "'all EVENTS LOST'", from);
        String all = stdout().get(at);
        String[] f = all.trim().split("\\s+");
        return Long.parseLong(f[f.length - 1]);
    }

    /**
     * A monitoring session's end: the drop lines it printed, the samples it lost, and the lines
     * from its stop message on (its stats).
     */
    record Ended(List<DropLine> lines, long lost, List<String> stats) {
    }

    /**
     * Stops the session that printed {@link #ACTIVATED} at line {@code ready}, reads its losses
     * and exits the shell, asserting exit code 0 and nothing on stderr.
     */
    Ended stopAndExit(int ready) {
        send("stop");
        int stopped = awaitLine(STOPPED, ready);
        long lost = lostSamples(stopped);
        send("exit");
        assertEquals(0, awaitExit(), transcript());
        assertEquals("", stderr(), "dropscope's stderr");
        List<String> out = stdout();
        return new Ended(DropLine.parse(out.subList(ready, stopped)), lost, out.subList(stopped, out.size()));
    }

    /**
     * Sends {@code stats} and returns the value its line {@code NAME: VALUE} gives (a counter of
     * the source, such as "keys counted in the kernel"), or -1 before an interval has completed,
     * when stats prints no counters.
     */
    long stat(String name) {
        String noInterval = "no interval completed yet";
        int from = stdout().size();
        send("stats");
        int at = awaitLine(l -> l.startsWith(name + ": ") || l.equals(noInterval), "'" + name + ": N'", from);
        String line = stdout().get(at);
        return line.equals(noInterval) ? -1 : Long.parseLong(line.substring(name.length() + 2).strip());
    }

    /** Whether the process still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end; returns its exit code. */
    int awaitExit() {
        return awaitExit(Commands.TIMEOUT);
    }

    /** Waits at most {@code bound} for the process to end; returns its exit code. */
    int awaitExit(Duration bound) {
        try {
            if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("the process did not exit within " + bound.toSeconds() + " s\n" + transcript());
            }
            outReader.join(Commands.TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** The lines printed on stdout so far. */
    List<String> stdout() {
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    /** Everything printed on stderr; call after {@link #awaitExit()}. */
    String stderr() {
        try {
            return Commands.await(err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The command, what it printed so far, and whether it runs: for failure messages. */
    String transcript() {
        String e = err.isDone() ? err.getNow("") : "(stderr still open)";
        return String.join(" ", command) + (process.isAlive() ? " (running)" : " (exited " + process.exitValue() + ")")
                + "\nstdout:\n" + String.join("\n", stdout()) + "\nstderr:\n" + e;
    }

    private void readStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (out) {
                    out.add(line);
                    out.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process ended; what it printed is kept.
        } finally {
            synchronized (out) {
                out.notifyAll();
            }
        }
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        closeInput();
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(Commands.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
