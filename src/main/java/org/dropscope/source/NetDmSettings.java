// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

/**
 * NET_DM's kernel-side settings and counters, as dropwatch's {@code set}, {@code show} and
 * {@code stats} commands reach them. The settings are global kernel state that outlives the
 * client: an implementation puts back what it changed when it is closed.
 */
public interface NetDmSettings {
    /** NET_DM's configuration (NET_DM_CMD_CONFIG_GET). */
    record Config(boolean packetMode, long truncLength, long queueLength) {
    }

    /** Packet alerts the kernel could not queue, software and hardware (NET_DM_CMD_STATS_GET). */
    record Stats(long softwareTailDropped, long hardwareTailDropped) {
    }

    Config config() throws SourceException;

    void setPacketMode(boolean packet) throws SourceException;

    void setTruncLength(long bytes) throws SourceException;

    void setQueueLength(long packets) throws SourceException;

    /** Which drops START and STOP ask for; neither means software to the kernel. */
    void setMonitored(boolean software, boolean hardware);

    Stats stats() throws SourceException;
}
