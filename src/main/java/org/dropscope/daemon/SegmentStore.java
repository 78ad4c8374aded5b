// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Where the flight recorder keeps its segments: a directory ({@link DirectoryStore}), or memory in
 * tests. Segment names sort by time, so the oldest is first in {@link #list()}.
 */
interface SegmentStore {
    /**
     * One segment on disk.
     *
     * @param name its file name
     * @param bytes its size now
     */
    record Segment(String name, long bytes) {
    }

    /** The segments there are, oldest (smallest name) first. */
    List<Segment> list() throws IOException;

    /** A new segment, created private (0600); the caller closes the stream. */
    OutputStream create(String name) throws IOException;

    /** Opens a segment to read it (a report); the caller closes the stream. */
    InputStream open(String name) throws IOException;

    /** Removes a segment; one already gone is no error. */
    void delete(String name) throws IOException;

    /** Bytes an unprivileged writer could still write where the segments are. */
    long usableBytes() throws IOException;

    /** The size of the file system the segments are on. */
    long totalBytes() throws IOException;

    /** Where the segments are, for log lines. */
    String where();
}
