// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.dropscope.aggregate.DropAggregator;
import org.dropscope.event.DropEvent;
import org.dropscope.event.DropEventSink;
import org.dropscope.io.OutputFiles;
import org.dropscope.ksym.Symbolizer;
import org.dropscope.record.HostFacts;
import org.dropscope.record.RecordHeader;
import org.dropscope.record.RecordWriter;
import org.dropscope.source.DropSource;
import org.dropscope.source.IntervalSession;
import org.dropscope.source.LiveNames;
import org.dropscope.source.SourceException;
import org.dropscope.source.SourceFacts;
import org.dropscope.source.SourceFilter;
import org.dropscope.view.Printable;

/**
 * One run of {@code record}: an opened, filtered source whose reader thread hands every drop to a
 * {@link RecordWriter} as well as to an aggregator (which keeps the stack table the file's stack
 * records come from), and the main thread that waits for the end.
 *
 * <p>The end is the duration, Ctrl-C or SIGTERM ({@link #requestStop}), or a failed write, which
 * the reader thread notices at the end of its pass. Then, in this order: the source stops (and
 * drains what the kernel wrote before), the writer writes its last block and the end record,
 * and the summary goes to standard error; {@link #release} closes whatever is still open on
 * every path.
 */
final class Recording {
    /**
     * A step before recording starts failed; nothing of the source stays open. Its message is the
     * error line to print, or null when the line was printed already (or, for a reader that went
     * away, there is none).
     */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        Failure(int exitCode, String message, Throwable cause) {
            super(message, cause);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    /** Opens the output; the file's own failures are {@link IOException}s. */
    @FunctionalInterface
    interface Output {
        OutputStream open() throws IOException;
    }

    private final DropSource source;
    private final DropAggregator aggregator;
    private final String where;
    private final Path readyFile;
    private final PrintWriter err;
    private final String kernelFilter;
    private final CountDownLatch stop = new CountDownLatch(1);
    private RecordWriter writer;

    private Recording(DropSource source, String kernelFilter, String where, Path readyFile, PrintWriter err) {
        this.source = source;
        this.kernelFilter = kernelFilter;
        this.where = where;
        this.readyFile = readyFile;
        this.err = err;
        this.aggregator = new DropAggregator(source.cpus(), IntervalSession.KEY_CAPACITY,
                IntervalSession.STACK_CAPACITY);
    }

    /**
     * Opens the source with its filter, the output and the writer (header first); on failure
     * closes what it opened and throws.
     *
     * @param where the output as messages name it
     */
    static Recording prepare(SourceChoice choice, SourceFilter filter, Symbolizer symbols, String where,
            Output output, Path readyFile, PrintWriter err) throws Failure {
        try {
            removeOldReadyFile(readyFile);
        } catch (IOException e) {
            throw new Failure(ExitCodes.BAD_INPUT, "cannot remove the old ready file " + readyFile + ": "
                    + Failures.reason(e), e);
        }
        SourceChoice.Opened opened;
        try {
            opened = choice.open(filter);
        } catch (SourceException e) {
            throw new Failure(ExitCodes.of(e.kind()), e.getMessage(), e);
        }
        Recording r = new Recording(opened.source(), opened.kernelFilter(), where, readyFile, err);
        try {
            r.openWriter(filter, symbols, output);
            return r;
        } catch (Failure f) {
            r.release();
            throw f;
        }
    }

    private void openWriter(SourceFilter filter, Symbolizer symbols, Output output) throws Failure {
        RecordHeader header;
        LongSupplier clock;
        try {
            SourceFacts facts = source.facts();
            clock = facts.clock()::nanos;
            header = facts.recordHeader(HostFacts.read(Path.of("/proc")), filter.text(), 0, Map.of());
        } catch (IOException e) {
            throw new Failure(ExitCodes.SYSTEM, "cannot read the machine's facts from /proc: " + Failures.reason(e), e);
        } catch (SourceException e) {
            throw new Failure(ExitCodes.of(e.kind()), e.getMessage(), e);
        }
        OutputStream out;
        try {
            out = output.open();
        } catch (IOException e) {
            throw new Failure(Failures.cannotWrite(err, where, e, ""), null, e);
        }
        try {
            writer = new RecordWriter(out, header, LiveNames.of(symbols, source, aggregator),
                    RecordWriter.Limits.DEFAULT, clock);
        } catch (IOException e) {
            Failures.closeQuietly(out);
            throw new Failure(Failures.cannotWrite(err, where, e, ""), null, e);
        }
        if (!source.recordTo(new StopOnFailure(writer, this::requestStop))) {
            throw new Failure(ExitCodes.SOFTWARE, "the source was opened without timestamps and cannot record"
                    + " (this is a bug; please report it)", null);
        }
    }

    /** Ends the recording: the main thread stops the source and finishes the file. Any thread. */
    void requestStop() {
        stop.countDown();
    }

    /** On the main thread: starts, waits for the end, finishes the file; returns the exit code. */
    int run(long durationMillis) {
        try {
            source.start(aggregator);
        } catch (SourceException e) {
            return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
        }
        err.println(Printable.text("dropscope: recording drops from " + source.description() + " to " + where
                + (kernelFilter == null ? "" : "; the kernel filters: " + kernelFilter) + "; Ctrl-C stops"));
        err.flush();
        int code = ExitCodes.OK;
        try {
            if (readyFile != null) {
                ready();
            }
            if (durationMillis > 0) {
                stop.await(durationMillis, TimeUnit.MILLISECONDS);
            } else {
                stop.await();
            }
        } catch (IOException e) {
            code = Failures.line(err, ExitCodes.BAD_INPUT, "cannot create the ready file " + readyFile + ": "
                    + Failures.reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return finish(code);
    }

    /** Stops the source (which drains), ends the file, says what was written. */
    private int finish(int code) {
        int result = code;
        try {
            source.stop();
        } catch (SourceException e) {
            result = Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
        }
        try {
            writer.close();
        } catch (IOException e) {
            if (Failures.isBrokenPipe(e)) {
                // Not an error (Failures.cannotWrite): the file is what the reader took.
                return Failures.line(err, result, "the reader of " + where + " went away: recording stopped after "
                        + writer.bytes() + " bytes");
            }
            return Failures.cannotWrite(err, where, e, " (after " + writer.events() + " events in " + writer.blocks()
                    + " blocks; recording stopped)");
        }
        err.println("dropscope: recorded " + writer.drops() + " drops (" + writer.events() + " events, "
                + writer.lost() + " lost) in " + writer.blocks() + " blocks, " + writer.bytes() + " bytes, to "
                + where);
        err.flush();
        return result;
    }

    private void ready() throws IOException {
        createReadyFile(readyFile, source.description());
    }

    /** Removes a ready file left from an earlier run, which would tell a script to start too early. */
    static void removeOldReadyFile(Path readyFile) throws IOException {
        if (readyFile != null) {
            Files.deleteIfExists(readyFile);
        }
    }

    /**
     * Creates a ready file whole, holding the source's description: written aside
     * ({@link OutputFiles}), then renamed into place.
     */
    static void createReadyFile(Path readyFile, String description) throws IOException {
        Path tmp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
        try (OutputStream out = OutputFiles.open(tmp)) {
            out.write((description + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Files.move(tmp, readyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Releases the kernel side and the output, whatever happened; idempotent, never throws. */
    void release() {
        source.close();
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                // Said by the main thread when it got that far; the process is ending otherwise.
            }
        }
    }

    /** In front of the writer, on the reader thread: ends the recording once a write has failed. */
    private static final class StopOnFailure implements DropEventSink {
        private final RecordWriter writer;
        private final Runnable stop;

        StopOnFailure(RecordWriter writer, Runnable stop) {
            this.writer = writer;
            this.stop = stop;
        }

        @Override
        public void drop(DropEvent event) {
            writer.drop(event);
        }

        @Override
        public void lost(long timeNanos, int cpu, long count) {
            writer.lost(timeNanos, cpu, count);
        }

        @Override
        public void endPass() {
            writer.endPass();
            if (writer.failure() != null) {
                stop.run();
            }
        }
    }
}
