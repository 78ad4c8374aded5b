// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon.wire;

/**
 * The tags of the TLV fields in HELLO and STATUS (docs/daemon-protocol.md): each field is
 * {@code tag:u16 length:u16 value[length]}, little-endian, unpadded; a receiver skips a tag it does
 * not know, and a later field of the same tag replaces an earlier one (CLIENT repeats instead).
 */
final class Fields {
    /** TLV header: tag and length. */
    static final int TLV_HEADER = 4;
    /** The largest TLV value: its length is a u16. */
    static final int TLV_MAX = 0xffff;

    /** HELLO: what the sender is, UTF-8. */
    static final int HELLO_SOFTWARE = 1;
    /** HELLO (server): the kernel source, UTF-8. */
    static final int HELLO_SOURCE = 2;
    /** HELLO (server): u8, 1 if this client is privileged, else 0. */
    static final int HELLO_PRIVILEGED = 3;
    /** HELLO (client): u32, WANT_* bits. */
    static final int HELLO_WANT = 4;

    /** STATUS: the kernel source, UTF-8. */
    static final int STATUS_SOURCE = 1;
    /** STATUS: u64 milliseconds since the daemon started. */
    static final int STATUS_UPTIME_MILLIS = 2;
    /** STATUS: u64 drops counted. */
    static final int STATUS_DROPS = 3;
    /** STATUS: u64 events lost by the kernel side. */
    static final int STATUS_LOST = 4;
    /** STATUS: one per client, pid:u32 uid:u32 gid:u32 gap_events:u64 gap_drops:u64. */
    static final int STATUS_CLIENT = 5;
    /** STATUS: u64 flight-recorder segments. */
    static final int STATUS_SEGMENTS = 6;
    /** STATUS: u64 bytes in those segments. */
    static final int STATUS_RECORDED_BYTES = 7;
    /** The CLIENT field's value size. */
    static final int CLIENT_SIZE = 28;
    /** The CLIENT field's ids, without the gap counts (step 1's field: read, the gaps then 0). */
    static final int CLIENT_IDS_SIZE = 12;

    private Fields() {
    }
}
