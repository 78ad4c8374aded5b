// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/**
 * A {@link PrintWriter} that remembers why a write failed. A PrintWriter (and the PrintStream of
 * {@code System.out}) swallows the error and keeps only a flag, so "no space left on device" would
 * be lost; this one keeps the first {@link IOException} for {@link #failure(PrintWriter)}. It is
 * the commands' standard output and what {@code report --svg} writes through.
 */
final class CheckedWriter extends PrintWriter {
    private final Recorder recorder;

    /** Writes {@code out} in {@code charset}, flushing at each println when {@code autoFlush}. */
    CheckedWriter(OutputStream out, Charset charset, boolean autoFlush) {
        this(new Recorder(out), charset, autoFlush);
    }

    private CheckedWriter(Recorder recorder, Charset charset, boolean autoFlush) {
        super(new BufferedWriter(new OutputStreamWriter(recorder, charset)), autoFlush);
        this.recorder = recorder;
    }

    /**
     * Flushes {@code w} and says why writing it failed, or null when nothing failed. For a writer
     * that is no CheckedWriter (a test's), a failure without its reason.
     */
    static IOException failure(PrintWriter w) {
        if (!w.checkError()) {
            return null;
        }
        IOException e = w instanceof CheckedWriter c ? c.recorder.failure : null;
        return e != null ? e : new IOException("write error");
    }

    /** Passes bytes on, keeping the first exception it meets. */
    private static final class Recorder extends FilterOutputStream {
        private IOException failure;

        Recorder(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                failure = failure != null ? failure : e;
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                failure = failure != null ? failure : e;
                throw e;
            }
        }
    }
}
