// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dropscope.event.DropEvent;
import org.dropscope.record.ReadResult;
import org.dropscope.record.RecordReader;
import org.dropscope.record.RecordVisitor;

/** A {@link SegmentStore} in memory, with free space the test sets and failures it can cause. */
final class MemoryStore implements SegmentStore {
    final Map<String, ByteArrayOutputStream> files = new TreeMap<>();
    final List<String> deleted = new ArrayList<>();
    long usable = Long.MAX_VALUE / 2;
    long total = Long.MAX_VALUE / 2;

    @Override
    public List<Segment> list() {
        List<Segment> out = new ArrayList<>();
        files.forEach((n, b) -> out.add(new Segment(n, b.size())));
        return out;
    }

    @Override
    public OutputStream create(String name) throws IOException {
        if (files.containsKey(name)) {
            throw new IOException(name + " exists");
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        files.put(name, b);
        return b;
    }

    @Override
    public InputStream open(String name) throws IOException {
        ByteArrayOutputStream b = files.get(name);
        if (b == null) {
            throw new IOException(name + " is gone");
        }
        return new ByteArrayInputStream(b.toByteArray());
    }

    @Override
    public void delete(String name) {
        files.remove(name);
        deleted.add(name);
    }

    @Override
    public long usableBytes() {
        return usable;
    }

    @Override
    public long totalBytes() {
        return total;
    }

    @Override
    public String where() {
        return "memory";
    }

    /**
     * What a segment holds.
     *
     * @param result the reader's result
     * @param drops the drops of its events
     * @param counted events that stand for more than one drop
     */
    record Read(ReadResult result, long drops, long counted) {
    }

    Read read(String name) throws IOException {
        long[] c = new long[2];
        RecordReader r = new RecordReader(new ByteArrayInputStream(files.get(name).toByteArray()));
        r.header();
        ReadResult result = r.read(new RecordVisitor() {
            @Override
            public void drop(DropEvent e) {
                c[0] += e.count();
                if (e.count() > 1) {
                    c[1]++;
                }
            }
        });
        return new Read(result, c[0], c[1]);
    }
}
