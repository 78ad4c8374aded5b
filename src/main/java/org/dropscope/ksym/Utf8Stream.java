// SPDX-License-Identifier: Apache-2.0
package org.dropscope.ksym;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A {@link Reader}'s characters as UTF-8 bytes, for {@link KallsymsParser}, which reads bytes:
 * saved kallsyms files and test fixtures come as readers. An unpaired surrogate becomes {@code ?}.
 * Closing it closes the reader.
 */
final class Utf8Stream extends InputStream {
    private final Reader in;
    private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final CharBuffer chars = CharBuffer.allocate(1 << 13);
    private final ByteBuffer bytes = ByteBuffer.allocate(3 << 13);
    private boolean eof;
    private boolean flushed;

    Utf8Stream(Reader in) {
        this.in = in;
        bytes.flip();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!bytes.hasRemaining()) {
            if (flushed) {
                return -1;
            }
            fill();
        }
        int n = Math.min(len, bytes.remaining());
        bytes.get(b, off, n);
        return n;
    }

    /** Encodes what the reader gives next into {@link #bytes}; sets {@link #flushed} at the end. */
    private void fill() throws IOException {
        bytes.clear();
        if (!eof) {
            int n = in.read(chars.array(), chars.position(), chars.remaining());
            if (n < 0) {
                eof = true;
            } else {
                chars.position(chars.position() + n);
            }
        }
        chars.flip();
        CoderResult r = encoder.encode(chars, bytes, eof);
        if (r.isError()) {
            r.throwException();
        }
        if (eof && !r.isOverflow() && encoder.flush(bytes).isUnderflow()) {
            flushed = true;
        }
        chars.compact();
        bytes.flip();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
