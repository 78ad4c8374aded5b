// SPDX-License-Identifier: Apache-2.0
package org.dropscope.testing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fuzz target (docs/fuzzing.md): one decoder or parser, its seeds from the real fixtures, and
 * {@link #fuzzOne} with the target's oracle. The normal test run checks every seed, and runs the
 * {@link FuzzTest} on the regression inputs Jazzer keeps under
 * {@code src/test/resources/<package>/<Class>Inputs/fuzz/} (the findings of earlier runs);
 * {@code scripts/fuzz} runs the target long through {@link FuzzDriver}.
 *
 * <p>The oracle is the decoder's documented exception: {@link #fuzzOne} catches exactly that,
 * and anything else that escapes (a RuntimeException, an Error, a failed assertion) is a finding.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class FuzzTarget {
    /** Inputs to start from: real fixtures, or what the project's writers produce. */
    public abstract List<byte[]> seeds();

    /** Runs one input through the target and checks the oracle. */
    public abstract void fuzzOne(byte[] data);

    final Stream<byte[]> seedStream() {
        return seeds().stream();
    }

    @ParameterizedTest
    @MethodSource("seedStream")
    void seedsPass(byte[] seed) {
        fuzzOne(seed);
    }

    @FuzzTest
    void fuzz(byte[] data) {
        fuzzOne(data);
    }
}
