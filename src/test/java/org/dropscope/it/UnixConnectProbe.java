// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import java.io.IOException;
import java.nio.file.Path;
import org.dropscope.nativeio.NativeException;
import org.dropscope.nativeio.UnixConnection;

/**
 * Connects to the unix socket named by its argument as whoever runs it, for
 * {@link UnixSocketAccessIT}: prints {@code connected}, exit 0; or prints
 * {@code refused ERRNO MESSAGE}, exit 3.
 */
public final class UnixConnectProbe {
    private UnixConnectProbe() {
    }

    public static void main(String[] args) throws IOException {
        try (UnixConnection c = UnixConnection.connect(Path.of(args[0]))) {
            System.out.println("connected");
        } catch (NativeException e) {
            System.out.println("refused " + e.errnoName() + " " + e.getMessage());
            System.exit(3);
        }
    }
}
