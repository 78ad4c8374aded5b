// SPDX-License-Identifier: Apache-2.0
/**
 * Files dropscope writes: {@link org.dropscope.io.OutputFiles} opens every one of them under a
 * single policy (created 0600, never a mode changed, no symbolic link followed, no hard-linked
 * file truncated).
 *
 * <p>May use nothing of the project, so that any package that writes a file may use it.
 */
package org.dropscope.io;
