// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.provider.jffi.NoX86;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int64_t;

/**
 * The libc binding {@link LibC} and static wrappers over it: each retries on EINTR and turns a
 * failure into a {@link NativeException} naming the call. Only 64-bit Linux (x86_64, aarch64) is
 * supported.
 */
final class Native {

    /**
     * The libc functions dropscope calls, bound by jnr-ffi. Public only because the implementation
     * jnr-ffi generates lives in another class loader; the enclosing class keeps it out of reach.
     *
     * <p>Memory that jnr-ffi owns (sockaddr_nl, socklen_t, option values) is passed as a
     * {@link Pointer}; memory that is a direct ByteBuffer or an mmap'd region is passed as a raw
     * {@code intptr_t} address, so the hot calls (poll, recvmsg, read, write) box nothing.
     *
     * <p>{@code @NoX86}: jnr-ffi 2.2.19's x86_64 trampoline loads the sixth integer argument from
     * the wrong stack slot (X86_64StubCompiler: {@code disp = 8 + (4 - i) * 8}), so mmap's offset
     * and sendto's addrlen arrive as garbage. The generic jffi invokers it falls back to are
     * correct and still box nothing.
     */
    @NoX86
    public interface LibC {

        /** socket(2). */
        int socket(int domain, int type, int protocol);

        /** bind(2). */
        int bind(int fd, Pointer addr, int addrlen);

        /** getsockname(2); {@code addrlen} points to a socklen_t. */
        int getsockname(int fd, Pointer addr, Pointer addrlen);

        /** setsockopt(2). */
        int setsockopt(int fd, int level, int name, Pointer value, int len);

        /** getsockopt(2); {@code len} points to a socklen_t. */
        int getsockopt(int fd, int level, int name, Pointer value, Pointer len);

        /** sendto(2): bytes position..position+len of {@code buf}, heap or direct. */
        @ssize_t long sendto(int fd, @In ByteBuffer buf, @size_t long len, int flags, Pointer addr, int addrlen);

        /** recvmsg(2) with a struct msghdr at {@code msghdr}. */
        @ssize_t long recvmsg(int fd, @intptr_t long msghdr, int flags);

        /** close(2). */
        int close(int fd);

        /** syscall(2), for calls glibc does not wrap (perf_event_open). */
        @Variadic(fixedCount = 1)
        long syscall(long number, long a1, long a2, long a3, long a4, long a5);

        /** ioctl(2) with an integer or pointer argument. */
        @Variadic(fixedCount = 2)
        int ioctl(int fd, @u_int64_t long request, @intptr_t long arg);

        /** mmap(2); returns MAP_FAILED, (void *) -1, on error. */
        @intptr_t long mmap(@intptr_t long addr, @size_t long length, int prot, int flags, int fd, @off_t long offset);

        /** munmap(2). */
        int munmap(@intptr_t long addr, @size_t long length);

        /** poll(2) over an array of struct pollfd at {@code fds}. */
        int poll(@intptr_t long fds, @u_int64_t long nfds, int timeout);

        /** mount(2); each string is NUL-terminated bytes, or null. */
        int mount(@In byte[] source, @In byte[] target, @In byte[] fstype, @u_int64_t long flags, @In byte[] data);

        /** umount2(2). */
        int umount2(@In byte[] target, int flags);

        /** eventfd(2). */
        int eventfd(int initval, int flags);

        /** read(2). */
        @ssize_t long read(int fd, @intptr_t long buf, @size_t long count);

        /** write(2). */
        @ssize_t long write(int fd, @intptr_t long buf, @size_t long count);

        /** umask(2): sets the process's file mode creation mask, returns the previous one; never fails. */
        int umask(int mask);

        /** geteuid(2); never fails. */
        int geteuid();
    }

    static final LibC LIBC = LibraryLoader.create(LibC.class)
            .option(LibraryOption.SaveError, Boolean.TRUE)
            .load(Platform.getNativePlatform().getStandardCLibraryName());
    static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    private static final MemoryIO MEMORY = MemoryIO.getInstance();

    static final String ARCH = System.getProperty("os.arch");
    /** __NR_perf_event_open: arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h. */
    static final long NR_PERF_EVENT_OPEN = perfEventOpenNumber(ARCH);

    private Native() {
    }

    static long perfEventOpenNumber(String arch) {
        switch (arch) {
            case "amd64":
            case "x86_64":
                return 298;
            case "aarch64":
            case "arm64":
                return 241;
            default:
                return -1;
        }
    }

    static int errno() {
        return RUNTIME.getLastError();
    }

    private static NativeException fail(String call, String context) {
        return new NativeException(call, errno(), context);
    }

    /** Zeroed native memory, freed when the returned pointer is garbage collected. */
    static Pointer allocate(int size) {
        return Memory.allocateDirect(RUNTIME, size, true);
    }

    /** A direct buffer in host byte order, for structs encoded with named offsets. */
    static ByteBuffer allocateDirect(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    static long address(ByteBuffer direct) {
        return MEMORY.getDirectBufferAddress(direct);
    }

    /** A ByteBuffer over foreign memory; it holds no reference that keeps the memory alive. */
    static ByteBuffer wrap(long address, int length) {
        return MEMORY.newDirectByteBuffer(address, length);
    }

    /** UTF-8 bytes plus a terminating NUL, or null for null. */
    static byte[] cString(String s) {
        if (s == null) {
            return null;
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("string contains NUL: " + s);
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        return out;
    }

    static int socket(int domain, int type, int protocol) throws NativeException {
        int fd;
        do {
            fd = LIBC.socket(domain, type, protocol);
        } while (fd < 0 && errno() == Errno.EINTR);
        if (fd < 0) {
            throw fail("socket(2)", "domain " + domain + " protocol " + protocol);
        }
        return fd;
    }

    static void bind(int fd, Pointer addr, int addrlen) throws NativeException {
        int rc;
        do {
            rc = LIBC.bind(fd, addr, addrlen);
        } while (rc < 0 && errno() == Errno.EINTR);
        if (rc < 0) {
            throw fail("bind(2)", "fd " + fd);
        }
    }

    static void getsockname(int fd, Pointer addr, Pointer addrlen) throws NativeException {
        int rc;
        do {
            rc = LIBC.getsockname(fd, addr, addrlen);
        } while (rc < 0 && errno() == Errno.EINTR);
        if (rc < 0) {
            throw fail("getsockname(2)", "fd " + fd);
        }
    }

    static void setsockopt(int fd, int level, int name, Pointer value, int len) throws NativeException {
        int rc;
        do {
            rc = LIBC.setsockopt(fd, level, name, value, len);
        } while (rc < 0 && errno() == Errno.EINTR);
        if (rc < 0) {
            throw fail("setsockopt(2)", "fd " + fd + " level " + level + " option " + name);
        }
    }

    static void getsockopt(int fd, int level, int name, Pointer value, Pointer len) throws NativeException {
        int rc;
        do {
            rc = LIBC.getsockopt(fd, level, name, value, len);
        } while (rc < 0 && errno() == Errno.EINTR);
        if (rc < 0) {
            throw fail("getsockopt(2)", "fd " + fd + " level " + level + " option " + name);
        }
    }

    static long sendto(int fd, ByteBuffer buf, Pointer addr, int addrlen) throws NativeException {
        long n;
        do {
            n = LIBC.sendto(fd, buf, buf.remaining(), 0, addr, addrlen);
        } while (n < 0 && errno() == Errno.EINTR);
        if (n < 0) {
            throw fail("sendto(2)", "fd " + fd);
        }
        return n;
    }

    static long recvmsg(int fd, long msghdr, int flags) throws NativeException {
        long n;
        do {
            n = LIBC.recvmsg(fd, msghdr, flags);
        } while (n < 0 && errno() == Errno.EINTR);
        if (n < 0) {
            throw fail("recvmsg(2)", "fd " + fd);
        }
        return n;
    }

    /**
     * close(2), never retried: Linux releases the descriptor even when close reports EINTR, and a
     * retry could close a descriptor another thread has just been given.
     *
     * @return 0, or the errno close(2) reported
     */
    static int close(int fd) {
        return LIBC.close(fd) < 0 ? errno() : 0;
    }

    static int perfEventOpen(long attr, int pid, int cpu, int groupFd, long flags) throws NativeException {
        if (NR_PERF_EVENT_OPEN < 0) {
            throw new NativeException("perf_event_open(2)", Errno.ENOSYS, "no syscall number for os.arch " + ARCH);
        }
        long fd;
        do {
            fd = LIBC.syscall(NR_PERF_EVENT_OPEN, attr, pid, cpu, groupFd, flags);
        } while (fd < 0 && errno() == Errno.EINTR);
        if (fd < 0) {
            throw fail("perf_event_open(2)", target(pid, cpu));
        }
        return (int) fd;
    }

    /**
     * syscall(2) with three arguments (the rest 0) for calls glibc may not wrap (fsopen, fsconfig,
     * fsmount), retried on EINTR.
     *
     * @return the call's non-negative result
     */
    static long syscall(long number, String call, String context, long a1, long a2, long a3) throws NativeException {
        long rc;
        do {
            rc = LIBC.syscall(number, a1, a2, a3, 0, 0);
        } while (rc < 0 && errno() == Errno.EINTR);
        if (rc < 0) {
            throw fail(call, context);
        }
        return rc;
    }

    private static String target(int pid, int cpu) {
        String p = pid == -1 ? "" : "pid " + pid;
        String c = cpu == -1 ? "" : "cpu " + cpu;
        return p.isEmpty() || c.isEmpty() ? p + c : p + ' ' + c;
    }

    /** ioctl(2); {@code name} is the request's macro name, for the message. */
    static void ioctl(int fd, int request, long arg, String name) throws NativeException {
        int rc;
        do {
            rc = LIBC.ioctl(fd, Integer.toUnsignedLong(request), arg);
        } while (rc < 0 && errno() == Errno.EINTR);
        if (rc < 0) {
            throw fail("ioctl(2)", name + " fd " + fd);
        }
    }

    static long mmap(long length, int prot, int flags, int fd, long offset) throws NativeException {
        long addr;
        do {
            addr = LIBC.mmap(0, length, prot, flags, fd, offset);
        } while (addr == -1L && errno() == Errno.EINTR);
        if (addr == -1L) {
            throw fail("mmap(2)", "fd " + fd + " length " + length);
        }
        return addr;
    }

    /** @return 0, or the errno munmap(2) reported */
    static int munmap(long addr, long length) {
        return LIBC.munmap(addr, length) < 0 ? errno() : 0;
    }

    /**
     * poll(2). After EINTR it polls again with what is left of the timeout, rounded up to a whole
     * millisecond, so it never returns 0 before the timeout has passed.
     */
    static int poll(long fds, int nfds, int timeoutMillis) throws NativeException {
        long deadline = timeoutMillis > 0 ? System.nanoTime() + timeoutMillis * 1_000_000L : 0;
        int timeout = timeoutMillis;
        for (;;) {
            int n = LIBC.poll(fds, nfds, timeout);
            if (n >= 0) {
                return n;
            }
            int e = errno();
            if (e != Errno.EINTR) {
                throw new NativeException("poll(2)", e, nfds + " fds");
            }
            if (timeoutMillis > 0) {
                long left = deadline - System.nanoTime();
                timeout = left <= 0 ? 0 : (int) ((left + 999_999) / 1_000_000);
            }
        }
    }

    static void mount(byte[] source, byte[] target, byte[] fstype, long flags, byte[] data, String context)
            throws NativeException {
        int rc;
        do {
            rc = LIBC.mount(source, target, fstype, flags, data);
        } while (rc < 0 && errno() == Errno.EINTR);
        if (rc < 0) {
            throw fail("mount(2)", context);
        }
    }

    static void umount2(byte[] target, int flags, String context) throws NativeException {
        int rc;
        do {
            rc = LIBC.umount2(target, flags);
        } while (rc < 0 && errno() == Errno.EINTR);
        if (rc < 0) {
            throw fail("umount2(2)", context);
        }
    }

    static int eventfd(int initval, int flags) throws NativeException {
        int fd;
        do {
            fd = LIBC.eventfd(initval, flags);
        } while (fd < 0 && errno() == Errno.EINTR);
        if (fd < 0) {
            throw fail("eventfd(2)", null);
        }
        return fd;
    }

    /** read(2), retried on EINTR. @return the byte count, or minus the errno */
    static long read(int fd, long buf, long count) {
        long n;
        do {
            n = LIBC.read(fd, buf, count);
        } while (n < 0 && errno() == Errno.EINTR);
        return n < 0 ? -errno() : n;
    }

    /** write(2), retried on EINTR. @return the byte count, or minus the errno */
    static long write(int fd, long buf, long count) {
        long n;
        do {
            n = LIBC.write(fd, buf, count);
        } while (n < 0 && errno() == Errno.EINTR);
        return n < 0 ? -errno() : n;
    }

    /**
     * umask(2). The mask belongs to the process, not the thread: every thread's file creation sees
     * it while it is set.
     *
     * @return the previous mask
     */
    static int umask(int mask) {
        return LIBC.umask(mask);
    }

    static int geteuid() {
        return LIBC.geteuid();
    }
}
