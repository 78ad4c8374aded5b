// SPDX-License-Identifier: Apache-2.0
package org.dropscope.pcap;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * A file (a capture, or what may be one) that can be read from its first byte more than once, in
 * bounded memory: finding NET_DM's family id may take a pass over the whole capture before the
 * replay proper. A file is simply opened again; a pipe is spooled ({@link #spooling}) as far as
 * the earlier passes read it.
 *
 * <p>Only one stream is read at a time: opening a new one ends the use of the one before.
 */
public abstract class Rereadable implements Closeable {
    /** What a pipe's spool keeps in memory before it moves to a temporary file. */
    static final int MEMORY_SPOOL = 1 << 20;

    /** The file from its first byte, for a pass that another pass may follow. */
    public abstract InputStream open() throws IOException;

    /** The file from its first byte, for the last pass: nothing is kept for another. */
    public InputStream openLast() throws IOException {
        return open();
    }

    /** Releases what the passes kept (a pipe's spool). */
    @Override
    public void close() throws IOException {
    }

    /**
     * A file: a regular file is opened again for each pass; anything else (a FIFO, a process
     * substitution's /dev/fd/N, a device) is opened once and spooled, as a pipe is.
     */
    public static Rereadable of(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return new Spool(Files.newInputStream(file), true);
        }
        return new Rereadable() {
            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }
        };
    }

    /**
     * A stream read once (standard input): each pass but the last keeps what it reads, the first
     * {@link #MEMORY_SPOOL} bytes in memory and the rest in a temporary file of mode 0600 that is
     * unlinked as soon as it is created, so that no exit, however abrupt, leaves it behind. A
     * pass reads what the passes before it kept, then the stream on from where they stopped.
     */
    public static Rereadable spooling(InputStream in) {
        return new Spool(in, false);
    }

    private static final class Spool extends Rereadable {
        private final InputStream in;
        private final boolean ownsIn;
        private byte[] head = new byte[4096];
        private int headLength;
        private FileChannel tail;
        private long tailLength;
        private boolean last;

        /** {@code ownsIn}: close {@code in} with the spool (a file it opened, not standard input). */
        Spool(InputStream in, boolean ownsIn) {
            this.in = in;
            this.ownsIn = ownsIn;
        }

        @Override
        public InputStream open() throws IOException {
            return pass(true);
        }

        @Override
        public InputStream openLast() throws IOException {
            return pass(false);
        }

        private InputStream pass(boolean keep) {
            if (last) {
                throw new IllegalStateException("the last pass over the stream has begun");
            }
            last = !keep;
            InputStream kept = new ByteArrayInputStream(head, 0, headLength);
            if (tail != null) {
                kept = new SequenceInputStream(kept, new TailStream(tail, tailLength));
            }
            return new SequenceInputStream(kept, keep ? new Tee() : in);
        }

        /** Appends {@code n} bytes the live stream gave to what is kept. */
        private void keep(byte[] b, int off, int n) throws IOException {
            if (tail == null && headLength + n <= MEMORY_SPOOL) {
                if (headLength + n > head.length) {
                    head = Arrays.copyOf(head, Math.min(MEMORY_SPOOL, Math.max(head.length * 2, headLength + n)));
                }
                System.arraycopy(b, off, head, headLength, n);
                headLength += n;
                return;
            }
            if (tail == null) {
                tail = temporaryFile();
            }
            ByteBuffer buf = ByteBuffer.wrap(b, off, n);
            while (buf.hasRemaining()) {
                tailLength += tail.write(buf, tailLength);
            }
        }

        private static FileChannel temporaryFile() throws IOException {
            Path p = Files.createTempFile("dropscope-capture", ".pcap",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                return FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } finally {
                Files.delete(p);
            }
        }

        @Override
        public void close() throws IOException {
            try (InputStream owned = ownsIn ? in : null) {
                if (tail != null) {
                    tail.close();
                }
            }
        }

        /** The live stream, each byte read also kept for the next pass. */
        private final class Tee extends BlockStream {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    keep(b, off, n);
                }
                return n;
            }
        }
    }

    /** The first {@code end} bytes of a spool file, read by position (the spool appends at its end). */
    private static final class TailStream extends BlockStream {
        private final FileChannel file;
        private final long end;
        private long position;

        TailStream(FileChannel file, long end) {
            this.file = file;
            this.end = end;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= end) {
                return -1;
            }
            int n = file.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }

    /** A stream whose single-byte read is its block read's. */
    private abstract static class BlockStream extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }
}
