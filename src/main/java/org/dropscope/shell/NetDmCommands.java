// SPDX-License-Identifier: Apache-2.0
package org.dropscope.shell;

import java.util.function.Consumer;
import org.dropscope.source.NetDmSettings;
import org.dropscope.source.SourceException;
import org.dropscope.view.DropwatchReplies;
import org.dropscope.view.Printable;

/**
 * dropwatch's NET_DM commands in the shell: {@code set alertmode/trunc/queue/sw/hw} and the NET_DM
 * parts of {@code show}, {@code stats} and {@code help}, with exactly dropwatch's printed lines
 * (scripts read them). They read and change NET_DM's kernel settings, global state that
 * {@link NetDmSettings} puts back when the shell ends; starting and stopping monitoring stays the
 * {@link Shell}'s.
 *
 * <p>Called on the shell's thread only.
 */
final class NetDmCommands {
    private final NetDmSettings netDm;
    private final Consumer<String> println;
    private boolean monitorSoftware;
    private boolean monitorHardware;

    /** @param println prints one line, as the shell prints its own */
    NetDmCommands(NetDmSettings netDm, Consumer<String> println) {
        this.netDm = netDm;
        this.println = println;
    }

    /** Whether {@code set what} is one of these commands ({@code what} in lower case). */
    static boolean isSetting(String what) {
        return what.matches("alertmode|trunc|queue|sw|hw");
    }

    /** {@code set what value}, for a {@code what} that {@link #isSetting} accepts. */
    void set(String what, String value) {
        try {
            switch (what) {
                case "alertmode":
                    if (!value.equals("summary") && !value.equals("packet")) {
                        println.accept("set alertmode needs summary or packet");
                        return;
                    }
                    println.accept("Setting alert mode");
                    netDm.setPacketMode(value.equals("packet"));
                    println.accept("Alert mode successfully set");
                    return;
                case "trunc":
                case "queue":
                    if (!value.matches("\\d{1,10}") || Long.parseLong(value) > 0xffffffffL) {
                        println.accept("set " + what + " needs a number from 0 to 4294967295");
                        return;
                    }
                    long n = Long.parseLong(value);
                    boolean trunc = what.equals("trunc");
                    println.accept((trunc ? "Setting truncation length to " : "Setting queue length to ") + n);
                    if (trunc) {
                        netDm.setTruncLength(n);
                    } else {
                        netDm.setQueueLength(n);
                    }
                    println.accept(trunc ? "Truncation length successfully set" : "Queue length successfully set");
                    return;
                default:
                    Boolean on = parseBoolean(value);
                    if (on == null) {
                        println.accept("invalid boolean value");
                        return;
                    }
                    if (what.equals("sw")) {
                        monitorSoftware = on;
                    } else {
                        monitorHardware = on;
                    }
                    netDm.setMonitored(monitorSoftware, monitorHardware);
                    println.accept("setting " + (what.equals("sw") ? "software" : "hardware") + " drops monitoring to "
                            + (on ? 1 : 0));
                    return;
            }
        } catch (SourceException e) {
            println.accept("Failed config request, error: " + Printable.text(e.getMessage()));
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

    /** {@code show}: NET_DM's configuration, and nothing else (dropwatch's lines). */
    void show() {
        println.accept("Getting existing configuration");
        try {
            NetDmSettings.Config c = netDm.config();
            DropwatchReplies.config(c.packetMode(), c.truncLength(), c.queueLength()).forEach(println);
        } catch (SourceException e) {
            println.accept("Failed configuration query, error: " + Printable.text(e.getMessage()));
        }
    }

    /** {@code stats}: the packet alerts the kernel could not queue, before the session's own counts. */
    void stats() {
        println.accept("Getting statistics");
        try {
            NetDmSettings.Stats st = netDm.stats();
            DropwatchReplies.stats(st.softwareTailDropped(), st.hardwareTailDropped()).forEach(println);
        } catch (SourceException e) {
            println.accept("Failed statistics query, error: " + Printable.text(e.getMessage()));
        }
    }

    /** {@code help}: the settings these commands add under {@code set:}. */
    void help() {
        println.accept("\talertmode <mode>\t - set mode to \"summary\" or \"packet\"");
        println.accept("\ttrunc <len>\t\t - truncate packets to this length. Only applicable when \"alertmode\" is set to \"packet\"");
        println.accept("\tqueue <len>\t\t - queue up to this many packets in the kernel. Only applicable when \"alertmode\" is set to \"packet\"");
        println.accept("\tsw <true | false>\t - monitor software drops");
        println.accept("\thw <true | false>\t - monitor hardware drops");
    }
}
