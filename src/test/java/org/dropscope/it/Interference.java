// SPDX-License-Identifier: Apache-2.0
package org.dropscope.it;

import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The tracepoint is system-wide. Drops of other processes at the same function with the same
 * reason are counted with the test's (no field of the event tells network namespaces apart), and
 * a flood of drops elsewhere can overrun the rings, which the source then reports as lost samples.
 * Most tests cause few enough drops that all of them fit the rings even if the reader never ran,
 * so either disturbance can only come from outside the test ({@link #of}): such a run is
 * repeated, at most {@value #ATTEMPTS} runs in all, and the last one is asserted. A run with fewer
 * drops than the kernel's own counters and no lost samples is never repeated. Tests whose traffic
 * the kernel may legitimately fail to sample (HotKeysIT's, driven until a hand-over) assert that
 * counted plus lost equals what they caused, and repeat a run only when it comes to more
 * ({@link #ofAccounting}).
 *
 * <p>A run whose length the test had to fix in advance ({@code --duration}, {@code -n}) and that a
 * slow machine outlasted is repeated the same way, the run told its attempt so that it can take
 * longer.
 */
final class Interference {
    static final int ATTEMPTS = 3;
    private static final String ELSEWHERE = "another process on this machine dropped packets meanwhile";

    private Interference() {
    }

    /**
     * Runs {@code run} until {@code disturbance} of its result is {@code null} or the attempts are
     * used up; returns the last result.
     *
     * @param disturbance why a result shows activity of other processes, or {@code null} if it does not
     */
    static <T> T repeatWhileDisturbed(String what, Supplier<T> run, Function<T, String> disturbance) {
        return repeatWhileDisturbed(what, attempt -> run.get(), disturbance);
    }

    /** As {@link #repeatWhileDisturbed(String, Supplier, Function)}, {@code run} given the attempt, 1 first. */
    static <T> T repeatWhileDisturbed(String what, IntFunction<T> run, Function<T, String> disturbance) {
        for (int attempt = 1; ; attempt++) {
            T result = run.apply(attempt);
            String why = disturbance.apply(result);
            if (why == null || attempt == ATTEMPTS) {
                return result;
            }
            System.err.println(what + ": run " + attempt + " " + why + "; running again");
        }
    }

    /** The usual disturbances of a run that controls its load: more drops than caused, or lost samples. */
    static String of(long counted, long caused, long lost) {
        if (lost > 0) {
            return "lost " + lost + " samples in the rings: " + ELSEWHERE;
        }
        if (counted > caused) {
            return "counted " + (counted - caused) + " drops more than the test caused: " + ELSEWHERE;
        }
        return null;
    }

    /**
     * The disturbance of a run where the kernel may lose samples (it does not control its load):
     * the drops counted and the samples reported lost come to more than the test caused, so some
     * were other processes' drops.
     */
    static String ofAccounting(long counted, long lost, long caused) {
        if (counted + lost > caused) {
            return "counted " + counted + " drops and " + lost + " lost samples, " + (counted + lost - caused)
                    + " more than the test caused: " + ELSEWHERE;
        }
        return null;
    }
}
