// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.dropscope.daemon.DaemonClient;
import org.dropscope.daemon.wire.Message;
import org.dropscope.source.SourceException;
import org.dropscope.view.Printable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dropscope status}: what the daemon does, from its STATUS. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Asks the dropscope daemon what it does: its source, uptime, drops and lost events since it"
                + " started, and its clients with their process and user ids."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:a bug in dropscope (please report it)",
            "2:bad command line",
            "3:the socket's permissions refuse this user (not in the daemon's group)",
            "5:standard output cannot be written",
            "6:no daemon answers on the socket, or it failed"})
public final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", description = "The daemon's socket. Default:"
            + " /run/dropscope/dropscope.sock.")
    Path socket = DaemonClient.DEFAULT_SOCKET;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Message.Status s;
        try (DaemonClient client = DaemonClient.connect(socket, Message.WANT_STATUS, DropscopeCommand.VERSION)) {
            s = client.status();
        } catch (SourceException e) {
            return Failures.line(err, ExitCodes.of(e.kind()), e.getMessage());
        }
        out.println("source: " + Printable.text(s.source()));
        out.println("uptime: " + uptime(s.uptimeMillis()));
        out.println("drops: " + Long.toUnsignedString(s.drops()));
        out.println("lost events: " + Long.toUnsignedString(s.lost()));
        out.println("flight recorder: " + Long.toUnsignedString(s.segments()) + " segments, "
                + Long.toUnsignedString(s.recordedBytes()) + " bytes");
        out.println("clients: " + s.clients().size());
        for (Message.Client c : s.clients()) {
            out.println("  pid " + Integer.toUnsignedString(c.pid()) + " uid " + Integer.toUnsignedString(c.uid())
                    + " gid " + Integer.toUnsignedString(c.gid()) + (c.gapEvents() == 0 ? "" : "  missed "
                    + Long.toUnsignedString(c.gapEvents()) + " events (" + Long.toUnsignedString(c.gapDrops())
                    + " drops), its queue full"));
        }
        out.flush();
        Integer failed = Failures.output(out, err);
        return failed != null ? failed : ExitCodes.OK;
    }

    /** {@code 1d 02:03:04}, or {@code 02:03:04} under a day. */
    static String uptime(long millis) {
        Duration d = Duration.ofMillis(Math.max(0, millis));
        String hms = String.format("%02d:%02d:%02d", d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart());
        return d.toDays() > 0 ? d.toDays() + "d " + hms : hms;
    }
}
