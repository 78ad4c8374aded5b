// SPDX-License-Identifier: Apache-2.0
package org.dropscope.shell;

import java.util.List;
import java.util.function.Consumer;
import org.dropscope.source.NetDmSettings;
import org.dropscope.source.SourceException;
import org.dropscope.view.DropwatchReplies;
import org.dropscope.view.Printable;

/**
 * The shell's commands that configure and query NET_DM ({@code set alertmode/trunc/queue/sw/hw},
 * and NET_DM's {@code show} and {@code stats}), printing exactly dropwatch's lines: scripts read
 * them. Used by the shell's command thread only.
 */
final class NetDmCommands {
    /** The {@code set} lines of dropwatch's help that only NET_DM has. */
    static final List<String> HELP = List.of(
            "\talertmode <mode>\t - set mode to \"summary\" or \"packet\"",
            "\ttrunc <len>\t\t - truncate packets to this length. Only applicable when \"alertmode\" is set to \"packet\"",
            "\tqueue <len>\t\t - queue up to this many packets in the kernel. Only applicable when \"alertmode\" is set to \"packet\"",
            "\tsw <true | false>\t - monitor software drops",
            "\thw <true | false>\t - monitor hardware drops");

    private final NetDmSettings settings;
    private final Consumer<String> out;
    private boolean monitorSoftware;
    private boolean monitorHardware;

    /** @param out prints one line */
    NetDmCommands(NetDmSettings settings, Consumer<String> out) {
        this.settings = settings;
        this.out = out;
    }

    /** {@code set WHAT VALUE}: alertmode, trunc, queue, sw or hw. */
    void set(String what, String value) {
        try {
            switch (what) {
                case "alertmode":
                    if (!value.equals("summary") && !value.equals("packet")) {
                        out.accept("set alertmode needs summary or packet");
                        return;
                    }
                    out.accept("Setting alert mode");
                    settings.setPacketMode(value.equals("packet"));
                    out.accept("Alert mode successfully set");
                    return;
                case "trunc":
                case "queue":
                    if (!value.matches("\\d{1,10}") || Long.parseLong(value) > 0xffffffffL) {
                        out.accept("set " + what + " needs a number from 0 to 4294967295");
                        return;
                    }
                    long n = Long.parseLong(value);
                    boolean trunc = what.equals("trunc");
                    out.accept((trunc ? "Setting truncation length to " : "Setting queue length to ") + n);
                    if (trunc) {
                        settings.setTruncLength(n);
                    } else {
                        settings.setQueueLength(n);
                    }
                    out.accept(trunc ? "Truncation length successfully set" : "Queue length successfully set");
                    return;
                default:
                    Boolean on = parseBoolean(value);
                    if (on == null) {
                        out.accept("invalid boolean value");
                        return;
                    }
                    if (what.equals("sw")) {
                        monitorSoftware = on;
                    } else {
                        monitorHardware = on;
                    }
                    settings.setMonitored(monitorSoftware, monitorHardware);
                    out.accept("setting " + (what.equals("sw") ? "software" : "hardware") + " drops monitoring to "
                            + (on ? 1 : 0));
                    return;
            }
        } catch (SourceException e) {
            out.accept("Failed config request, error: " + Printable.text(e.getMessage()));
        }
    }

    /** dropwatch's strtobool: true/false/1/0. */
    private static Boolean parseBoolean(String v) {
        switch (v) {
            case "true":
            case "1":
                return Boolean.TRUE;
            case "false":
            case "0":
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    /** {@code show}: NET_DM_CMD_CONFIG_GET's answer. */
    void show() {
        out.accept("Getting existing configuration");
        try {
            NetDmSettings.Config c = settings.config();
            DropwatchReplies.config(c.packetMode(), c.truncLength(), c.queueLength()).forEach(out);
        } catch (SourceException e) {
            out.accept("Failed configuration query, error: " + Printable.text(e.getMessage()));
        }
    }

    /** {@code stats}: NET_DM_CMD_STATS_GET's answer (the session's own statistics follow it). */
    void stats() {
        out.accept("Getting statistics");
        try {
            NetDmSettings.Stats st = settings.stats();
            DropwatchReplies.stats(st.softwareTailDropped(), st.hardwareTailDropped()).forEach(out);
        } catch (SourceException e) {
            out.accept("Failed statistics query, error: " + Printable.text(e.getMessage()));
        }
    }
}
