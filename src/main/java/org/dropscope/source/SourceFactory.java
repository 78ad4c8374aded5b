// SPDX-License-Identifier: Apache-2.0
package org.dropscope.source;

/** Opens a new session of a source; the shell calls it on every {@code start}. */
@FunctionalInterface
public interface SourceFactory {
    DropSource open() throws SourceException;
}
