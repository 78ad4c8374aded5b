// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Short external commands (ip, mount, kill, setpriv, java) run to completion with a bounded wait,
 * their output captured. Standard input is empty.
 */
final class Commands {
    /** How long any command or awaited line may take before the test fails. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** How often {@link #waitUntil} looks. */
    static final long POLL_MILLIS = 100;

    /** A finished command. */
    record Result(List<String> command, int exit, String stdout, String stderr) {
        /** Fails the test unless the command exited 0. */
        Result checked() {
            if (exit != 0) {
                fail(describe());
            }
            return this;
        }

        List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        List<String> stderrLines() {
            return stderr.lines().filter(l -> !l.isBlank()).toList();
        }

        String describe() {
            return String.join(" ", command) + " exited " + exit + "\nstdout:\n" + stdout + "stderr:\n" + stderr;
        }
    }

    private Commands() {
    }

    /** Runs {@code command} to completion and fails the test unless it exits 0. */
    static Result check(String... command) {
        return run(List.of(command)).checked();
    }

    /** Runs {@code command} to completion, whatever its exit code. */
    static Result run(List<String> command) {
        return run(command, null);
    }

    /** Runs {@code command} to completion with {@code input} on standard input (or none). */
    static Result run(List<String> command, String input) {
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        }
        CompletableFuture<String> out = readAll(p.getInputStream());
        CompletableFuture<String> err = readAll(p.getErrorStream());
        try {
            try (var stdin = p.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The command exited without reading its input; its exit code tells the rest.
            }
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                fail(String.join(" ", command) + " did not finish within " + TIMEOUT);
            }
            return new Result(List.copyOf(command), p.exitValue(), await(out), await(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted waiting for " + String.join(" ", command), e);
        }
    }

    /** Thread.sleep, an interrupt turned into a failure of the test. */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until {@code happened} holds, checking it every {@value #POLL_MILLIS} ms, instead of
     * sleeping for a time that a slower or busier machine would need longer for. Fails the test
     * if it has not happened within {@code bound}: "waited BOUND for WHAT", then {@code context}
     * (a transcript). {@code happened} may fail the test itself, when waiting longer is useless.
     */
    static void waitUntil(BooleanSupplier happened, Duration bound, String what, Supplier<String> context) {
        if (!within(happened, bound)) {
            fail("waited " + bound.toSeconds() + " s for " + what + ", in vain\n" + context.get());
        }
    }

    /**
     * As {@link #waitUntil}, for what may legitimately never happen: whether {@code happened} held
     * within {@code bound}.
     */
    static boolean within(BooleanSupplier happened, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!happened.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            sleep(POLL_MILLIS);
        }
        return true;
    }

    /** Whether {@code command} can be run and exits 0: for probing tools and their options. */
    static boolean succeeds(String... command) {
        try {
            return run(List.of(command)).exit() == 0;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** {@code prefix} followed by {@code rest}. */
    static List<String> concat(List<String> prefix, List<String> rest) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(rest);
        return all;
    }

    static CompletableFuture<String> readAll(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(e);
            }
        }, "it-output-reader");
        t.setDaemon(true);
        t.start();
        return text;
    }

    static String await(CompletableFuture<String> text) throws InterruptedException {
        try {
            return text.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new UncheckedIOException(new IOException("reading a command's output failed", e.getCause()));
        } catch (TimeoutException e) {
            throw new AssertionError("a command's output did not end within " + TIMEOUT
                    + " (a child of it still holds the pipe?)", e);
        }
    }
}
