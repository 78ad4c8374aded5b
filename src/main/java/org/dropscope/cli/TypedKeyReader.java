// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import org.jline.utils.NonBlockingReader;

/**
 * {@link TypedKeys} as the reader JLine's line editor takes its keys from. A read waits for a
 * key whatever timeout it is given: the editor asks with a tenth of a second in a loop
 * ({@code BindingReader.readCharacter}), which would wake the shell's prompt ten times a second.
 * A peek keeps its timeout: the editor peeks to tell Escape from the start of an escape sequence.
 * An interrupt (the editor's Ctrl-C) ends a wait with {@link InterruptedIOException}, which the
 * editor turns into {@code UserInterruptException}.
 *
 * <p>Read by one thread at a time, the line editor's.
 */
final class TypedKeyReader extends NonBlockingReader {
    private final TypedKeys keys;
    private int peeked = READ_EXPIRED;

    TypedKeyReader(TypedKeys keys) {
        this.keys = keys;
    }

    @Override
    protected int read(long timeout, boolean isPeek) throws IOException {
        int c = peeked != READ_EXPIRED ? peeked : next(isPeek ? timeout : 0);
        peeked = isPeek ? c : READ_EXPIRED;
        return c;
    }

    @Override
    public int readBuffered(char[] b, int off, int len, long timeout) throws IOException {
        if (len == 0) {
            return 0;
        }
        int c = read(timeout, false);
        if (c < 0) {
            return c;
        }
        b[off] = (char) c;
        int n = 1;
        while (n < len && keys.queued() > 0) {
            c = next(-1);
            if (c < 0) {
                break;
            }
            b[off + n++] = (char) c;
        }
        return n;
    }

    @Override
    public int available() {
        return keys.queued() + (peeked != READ_EXPIRED ? 1 : 0);
    }

    /** Nothing to close: the {@code dropscope-keys} thread is a daemon blocked in read(2). */
    @Override
    public void close() {
    }

    /** The next key: waiting for one ({@code timeout} 0), up to {@code timeout} ms, or not (below 0). */
    private int next(long timeout) throws IOException {
        try {
            int c = timeout == 0 ? keys.take() : keys.poll(Math.max(0, timeout));
            return c == TypedKeys.NONE ? READ_EXPIRED : c;
        } catch (InterruptedException e) {
            // As JLine's own readers do: the interrupt is the answer, not left pending.
            throw new InterruptedIOException("interrupted while waiting for a key");
        }
    }
}
