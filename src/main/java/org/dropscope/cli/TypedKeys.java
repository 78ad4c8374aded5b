// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Terminal;

/**
 * The characters typed at the terminal, in order: a {@code dropscope-keys} thread blocks in
 * read(2) on standard input and queues each character, then {@link #END} at end of input. A
 * thread that waits for a key waits on the queue, so nothing wakes while nothing is typed; what
 * top's keys and the shell's line editor read.
 *
 * <p>JLine's own reader, whatever timeout it is asked for, sets VTIME to a tenth of a second and
 * reads in a loop: an idle terminal woke the JVM ten times a second. {@link #blockingRawMode}
 * is raw mode in which read(2) waits for a key instead (VMIN 1, VTIME 0).
 */
final class TypedKeys {
    /** End of input; once taken, every later wait returns it too. */
    static final int END = -1;
    /** What {@link #poll} returns when no key came in time. */
    static final int NONE = -2;

    private final BlockingQueue<Integer> keys = new LinkedBlockingQueue<>();

    /** Starts the {@code dropscope-keys} thread on standard input, decoded with {@code encoding}. */
    static TypedKeys fromStandardInput(Charset encoding) {
        TypedKeys k = new TypedKeys();
        Reader in = new InputStreamReader(new FileInputStream(FileDescriptor.in), encoding);
        Thread reader = new Thread(() -> k.pump(in), "dropscope-keys");
        // Blocked in read(2) until a key comes; nothing to end at exit.
        reader.setDaemon(true);
        reader.start();
        return k;
    }

    /**
     * Raw mode in which a read waits for one key without a timer: JLine's raw mode with VMIN 1 and
     * VTIME 0.
     *
     * @return the attributes before, to give back
     */
    static Attributes blockingRawMode(Terminal terminal) {
        Attributes saved = terminal.enterRawMode();
        Attributes blocking = terminal.getAttributes();
        blocking.setControlChar(ControlChar.VMIN, 1);
        blocking.setControlChar(ControlChar.VTIME, 0);
        terminal.setAttributes(blocking);
        return saved;
    }

    private void pump(Reader in) {
        int c;
        do {
            try {
                c = in.read();
            } catch (IOException e) {
                c = END;
            }
            keys.add(c);
        } while (c != END);
    }

    /** Queues {@code c} as if typed (a key, {@link #END}, or {@link #NONE} to end a wait without one). */
    void add(int c) {
        keys.add(c);
    }

    /** The next key, waiting as long as it takes. */
    int take() throws InterruptedException {
        return kept(keys.take());
    }

    /** The next key, or {@link #NONE} if none comes within {@code millis}. */
    int poll(long millis) throws InterruptedException {
        Integer c = keys.poll(millis, TimeUnit.MILLISECONDS);
        return c == null ? NONE : kept(c);
    }

    /** Keys queued and not taken. */
    int queued() {
        return keys.size();
    }

    private int kept(int c) {
        if (c == END) {
            keys.add(END);
        }
        return c;
    }
}
