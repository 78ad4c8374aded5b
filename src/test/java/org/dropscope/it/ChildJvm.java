// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for the JVMs the kernel tests start: dropscope, the probe, the traffic. */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * The running test JVM's java launcher followed by {@code args}. Without hsperfdata: a JVM run
     * as another user would otherwise leave a /tmp/hsperfdata_USER directory behind.
     */
    static List<String> java(String... args) {
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        c.add("-XX:-UsePerfData");
        c.addAll(List.of(args));
        return c;
    }

    /** The directory (or jar) the test classes were loaded from. */
    static Path testClasses() {
        try {
            return Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
