// SPDX-License-Identifier: Apache-2.0
/**
 * The system calls dropscope makes, bound with JNR: perf_event_open(2) with mmap(2) of its ring
 * and its ioctls, poll(2), eventfd(2), netlink sockets (netlink(7)), the mounts tracefs may need
 * (mount(2), fsopen(2) and fsmount(2)), and the daemon's unix stream sockets (unix(7), through
 * jnr-unixsocket: {@link org.dropscope.nativeio.UnixListener} bound 0660 in a 0750 directory,
 * {@link org.dropscope.nativeio.UnixConnection}, the peer's
 * {@link org.dropscope.nativeio.PeerCredentials}).
 *
 * <ul>
 *   <li>{@link org.dropscope.nativeio.Native} holds the libc binding; each wrapper retries on EINTR
 *       and throws a {@link org.dropscope.nativeio.NativeException} naming the call and its
 *       {@link org.dropscope.nativeio.Errno};</li>
 *   <li>every descriptor is a class that closes it exactly once ({@link org.dropscope.nativeio.OwnedFd},
 *       {@link org.dropscope.nativeio.PerfEvent}, {@link org.dropscope.nativeio.EventFd},
 *       {@link org.dropscope.nativeio.NetlinkSocket}, {@link org.dropscope.nativeio.DetachedMount});
 *       {@link org.dropscope.nativeio.Mapping} unmaps what it mapped;</li>
 *   <li>constants cite the uapi header they come from (include/uapi/linux/perf_event.h,
 *       netlink.h, mount.h, asm-generic/errno-base.h and errno.h); native-bindings/src/test/c/layout.c
 *       prints the kernel's values for LayoutCheckTest to compare.</li>
 * </ul>
 * No JNR type appears in a public signature, so the rest of dropscope never sees JNR.
 *
 * <p>May use JNR ({@code jnr}) and jffi ({@code com.kenai.jffi}), and nothing of the project: it is
 * the bottom of the map and the only place those libraries are imported.
 */
package org.dropscope.nativeio;
