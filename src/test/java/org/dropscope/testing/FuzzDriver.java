// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The entry point of the long fuzzing runs ({@code scripts/fuzz}): Jazzer's own driver is given
 * this class, which hands every input to the {@link FuzzTarget} named by the system property
 * {@code dropscope.fuzz.target}. Given the target class itself, the driver would run it as a
 * JUnit test instead, which stops at the first finding and keeps its corpus in the working
 * directory.
 *
 * <p>{@link #main}: {@code FuzzDriver TARGET_CLASS DIR} writes the target's seeds into DIR.
 */
public final class FuzzDriver {
    private FuzzDriver() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        Fuzzed.TARGET.fuzzOne(data);
    }

    /** The target being fuzzed, made on the first input (main needs no property). */
    private static final class Fuzzed {
        static final FuzzTarget TARGET = target(System.getProperty("dropscope.fuzz.target"));
    }

    public static void main(String[] args) throws Exception {
        List<byte[]> seeds = target(args[0]).seeds();
        Path dir = Files.createDirectories(Path.of(args[1]));
        for (int i = 0; i < seeds.size(); i++) {
            Files.write(dir.resolve(String.format("seed-%03d", i)), seeds.get(i));
        }
    }

    private static FuzzTarget target(String name) {
        if (name == null) {
            throw new IllegalStateException("set -Ddropscope.fuzz.target to a FuzzTarget class");
        }
        try {
            return (FuzzTarget) Class.forName(name).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(name + " is not a FuzzTarget with a public constructor", e);
        }
    }
}
