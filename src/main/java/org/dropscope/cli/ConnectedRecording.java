// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.dropscope.daemon.StreamCopy;
import org.dropscope.record.ReadResult;
import org.dropscope.source.SourceException;
import org.dropscope.view.Printable;

/**
 * {@code record --connect -o FILE}: the daemon's stream, which is a record file, copied into the
 * file ({@link StreamCopy}); the daemon's source, filter and names, no kernel session here. Ends
 * as {@code record} does (Ctrl-C, SIGTERM, {@code --duration}): the daemon ends the stream with
 * its end record, and the summary line says what the file holds.
 */
final class ConnectedRecording {
    private final Path socket;
    private final String where;
    private final Recording.Output output;
    private final Path readyFile;
    private final PrintWriter err;

    ConnectedRecording(Path socket, String where, Recording.Output output, Path readyFile, PrintWriter err) {
        this.socket = socket;
        this.where = where;
        this.output = output;
        this.readyFile = readyFile;
        this.err = err;
    }

    /** Connects, then records until the end; returns the exit code. */
    int run(long durationMillis, boolean handleSignals) throws IOException {
        try {
            Recording.removeOldReadyFile(readyFile);
        } catch (IOException e) {
            return Failures.cannot(err, ExitCodes.BAD_INPUT, "remove the old ready file", readyFile, e);
        }
        StreamCopy copy;
        try {
            copy = StreamCopy.open(socket, DropscopeCommand.VERSION);
        } catch (SourceException e) {
            return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
        }
        OutputStream out;
        try {
            out = output.open();
        } catch (IOException e) {
            copy.close();
            return Failures.cannotWrite(err, where, e, "");
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dropscope-duration");
            t.setDaemon(true);
            return t;
        });
        if (durationMillis > 0) {
            timer.schedule(copy::requestStop, durationMillis, TimeUnit.MILLISECONDS);
        }
        Runnable release = () -> {
            timer.shutdownNow();
            copy.close();
            Failures.closeQuietly(out);
        };
        return Signals.runWith(Signals.stoppable(() -> copy(copy, out), copy::requestStop), err, release,
                handleSignals);
    }

    private int copy(StreamCopy copy, OutputStream out) {
        ReadResult r;
        String[] readyFailed = {null};
        try {
            r = copy.copyTo(out, header -> {
                err.println(Printable.text("dropscope: recording drops from the daemon at " + copy.socket() + " ("
                        + header.sourceDescription() + ") to " + where + "; Ctrl-C stops"));
                err.flush();
                if (readyFile != null) {
                    try {
                        Recording.createReadyFile(readyFile, header.sourceDescription());
                    } catch (IOException e) {
                        readyFailed[0] = "cannot create the ready file " + readyFile + ": " + Failures.reason(e);
                        copy.requestStop();
                    }
                }
            });
            out.close();
        } catch (IOException e) {
            if (e == copy.writeFailure() || copy.writeFailure() != null) {
                return Failures.cannotWrite(err, where, copy.writeFailure(), " (after " + copy.bytes()
                        + " bytes; recording stopped)");
            }
            return Failures.line(err, ExitCodes.SYSTEM, "the daemon's stream at " + copy.socket() + " failed after "
                    + copy.bytes() + " bytes, which " + where + " holds: " + Failures.reason(e));
        } finally {
            copy.close();
        }
        if (readyFailed[0] != null) {
            return Failures.line(err, ExitCodes.BAD_INPUT, readyFailed[0]);
        }
        err.println("dropscope: recorded " + r.drops() + " drops (" + r.events() + " events, " + r.lost() + " lost"
                + (copy.gapEvents() == 0 ? "" : ", of which " + copy.gapEvents() + " the daemon could not send, its"
                + " queue for this client full") + ") in " + r.blocks() + " blocks, " + copy.bytes() + " bytes, to "
                + where);
        err.flush();
        if (r.damage() != null) {
            return Failures.line(err, ExitCodes.BAD_INPUT, "the daemon's stream at " + copy.socket() + ": "
                    + r.damage().getMessage() + "; " + where + " holds it up to there");
        }
        if (!r.ended()) {
            String why = copy.error() != null ? copy.error() : "the daemon at " + copy.socket() + " closed the"
                    + " connection before the stream's end";
            return Failures.line(err, ExitCodes.SYSTEM, why + "; " + where + " holds what came, without its end"
                    + " record (report reads it up to there)");
        }
        return ExitCodes.OK;
    }
}
