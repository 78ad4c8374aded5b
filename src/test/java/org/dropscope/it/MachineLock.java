// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Holds one lock for the whole machine while a test class runs that causes drops and counts them
 * by symbol and reason. The skb:kfree_skb tracepoint is system-wide and carries no network
 * namespace, so a second test run on the same machine (another clone's {@code mvn verify})
 * making the same closed-port and full-buffer drops at the same time adds to this run's keys:
 * counts that must be exact cannot be. With the lock, two runs take turns class by class, and
 * bench/live.sh takes it for each of its runs too; drops of any other process are still told apart
 * by the tests' own checks (they run again).
 *
 * <p>The lock is a POSIX record lock ({@link FileChannel#lock()}, fcntl(2)) on a file in the
 * temporary directory: the kernel drops it when the JVM ends in any way.
 */
final class MachineLock implements BeforeAllCallback, AfterAllCallback {
    static final Path FILE = Path.of(System.getProperty("java.io.tmpdir"), "dropscope-kernel-tests.lock");
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MachineLock.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        FileChannel channel = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            System.out.println(context.getDisplayName() + ": another test run's kernel tests hold " + FILE
                    + "; waiting for them, so that their drops do not count as ours");
            lock = channel.lock();
        }
        context.getStore(NS).put("channel", channel);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        FileChannel channel = context.getStore(NS).remove("channel", FileChannel.class);
        if (channel != null) {
            // Closing the channel releases its lock.
            channel.close();
        }
    }
}
