// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import jnr.ffi.Pointer;

/**
 * A netlink socket (netlink(7)): AF_NETLINK, SOCK_RAW, close-on-exec, blocking. Poll {@link #fd()}
 * with a {@link Poller} to wait for messages without blocking in {@link #receive(ByteBuffer)}.
 *
 * <p>{@link #send(ByteBuffer)} may be called from any thread; {@link #receive(ByteBuffer)} calls are
 * serialised. After {@link #close()} every method fails with EBADF.
 */
public final class NetlinkSocket extends OwnedFd {

    // struct msghdr and struct iovec on LP64 Linux, from include/linux/socket.h and uio.h
    static final int MSGHDR_SIZE = 56;
    static final int MSG_NAME_OFFSET = 0;        // void *
    static final int MSG_NAMELEN_OFFSET = 8;     // socklen_t
    static final int MSG_IOV_OFFSET = 16;        // struct iovec *
    static final int MSG_IOVLEN_OFFSET = 24;     // size_t
    static final int MSG_CONTROL_OFFSET = 32;    // void *
    static final int MSG_CONTROLLEN_OFFSET = 40; // size_t
    static final int MSG_FLAGS_OFFSET = 48;      // int
    static final int IOVEC_SIZE = 16;
    static final int IOV_BASE_OFFSET = 0;        // void *
    static final int IOV_LEN_OFFSET = 8;         // size_t

    // The receive scratch area: a msghdr, then its one iovec, then the sender's sockaddr_nl.
    private static final int SCRATCH_IOVEC = MSGHDR_SIZE;
    private static final int SCRATCH_NAME = SCRATCH_IOVEC + IOVEC_SIZE;

    /** The kernel's address, nl_pid 0: the destination of every send. Never modified. */
    private final Pointer kernel = SockaddrNl.allocate(0, 0);

    private final Object receiveLock = new Object();
    private final ByteBuffer scratch;
    private final long scratchAddress;
    /** Receives datagrams for heap destination buffers; grown on demand. */
    private ByteBuffer bounce;

    private NetlinkSocket(int fd) {
        super(fd);
        scratch = Native.allocateDirect(SCRATCH_NAME + SockaddrNl.SIZE);
        scratchAddress = Native.address(scratch);
        scratch.putLong(MSG_NAME_OFFSET, scratchAddress + SCRATCH_NAME);
        scratch.putLong(MSG_IOV_OFFSET, scratchAddress + SCRATCH_IOVEC);
        scratch.putLong(MSG_IOVLEN_OFFSET, 1);
    }

    /**
     * Opens a socket for a netlink protocol, such as {@link NetlinkConstants#NETLINK_GENERIC}.
     *
     * @throws NativeException EPROTONOSUPPORT if the kernel lacks the protocol
     */
    public static NetlinkSocket open(int protocol) throws NativeException {
        return new NetlinkSocket(Native.socket(NetlinkConstants.AF_NETLINK,
                NetlinkConstants.SOCK_RAW | NetlinkConstants.SOCK_CLOEXEC, protocol));
    }

    /**
     * Binds to a port id and the legacy multicast group mask.
     *
     * @param portId 0 to let the kernel choose a unique one
     * @param groups a bitmask of groups 1 to 32; 0 for none (use {@link #joinGroup(int)})
     */
    public void bind(int portId, int groups) throws NativeException {
        Pointer addr = SockaddrNl.allocate(portId, groups);
        Native.bind(fd(), addr, SockaddrNl.SIZE);
    }

    /** The port id the socket is bound to (getsockname(2)); 0 before bind or send. */
    public int localPortId() throws NativeException {
        Pointer addr = Native.allocate(SockaddrNl.SIZE);
        Pointer len = Native.allocate(Integer.BYTES);
        len.putInt(0, SockaddrNl.SIZE);
        Native.getsockname(fd(), addr, len);
        return SockaddrNl.portId(addr);
    }

    /** setsockopt(2) with an int value. */
    public void setOption(int level, int name, int value) throws NativeException {
        Pointer v = Native.allocate(Integer.BYTES);
        v.putInt(0, value);
        Native.setsockopt(fd(), level, name, v, Integer.BYTES);
    }

    /** getsockopt(2) of an int value; for a longer option, its first four bytes. */
    public int getOption(int level, int name) throws NativeException {
        Pointer v = Native.allocate(Integer.BYTES);
        Pointer len = Native.allocate(Integer.BYTES);
        len.putInt(0, Integer.BYTES);
        Native.getsockopt(fd(), level, name, v, len);
        return v.getInt(0);
    }

    /** Joins a multicast group by number (NETLINK_ADD_MEMBERSHIP); any group, not only 1 to 32. */
    public void joinGroup(int group) throws NativeException {
        setOption(NetlinkConstants.SOL_NETLINK, NetlinkConstants.NETLINK_ADD_MEMBERSHIP, group);
    }

    /**
     * Sends one datagram to the kernel: the bytes from {@code msg}'s position to its limit, heap
     * or direct. The buffer's position and limit are not changed.
     *
     * @return the number of bytes sent, all of them
     */
    public int send(ByteBuffer msg) throws NativeException {
        try {
            return (int) Native.sendto(fd(), msg, kernel, SockaddrNl.SIZE);
        } finally {
            Reference.reachabilityFence(kernel);
        }
    }

    /**
     * Receives one datagram into {@code dst} from its position, blocking until one arrives.
     * Afterwards {@code dst}'s limit is position + min(length, remaining) and its position is
     * unchanged, so the received bytes are exactly its remaining ones.
     *
     * @return the datagram's full length, which exceeds the bytes stored if it did not fit (the
     *     rest of it is lost)
     * @throws NativeException ENOBUFS if the socket's receive buffer overflowed and messages were
     *     lost since the last receive; the socket stays usable
     */
    public int receive(ByteBuffer dst) throws NativeException {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int room = dst.remaining();
        synchronized (receiveLock) {
            long base;
            if (dst.isDirect()) {
                base = Native.address(dst) + dst.position();
            } else {
                base = Native.address(bounce(room));
            }
            scratch.putLong(SCRATCH_IOVEC + IOV_BASE_OFFSET, base);
            scratch.putLong(SCRATCH_IOVEC + IOV_LEN_OFFSET, room);
            scratch.putInt(MSG_NAMELEN_OFFSET, SockaddrNl.SIZE);
            scratch.putInt(MSG_FLAGS_OFFSET, 0);
            long n;
            try {
                n = Native.recvmsg(fd(), scratchAddress, NetlinkConstants.MSG_TRUNC);
            } finally {
                Reference.reachabilityFence(dst);
                Reference.reachabilityFence(scratch);
            }
            int stored = (int) Math.min(n, room);
            if (!dst.isDirect()) {
                bounce.get(0, dst.array(), dst.arrayOffset() + dst.position(), stored);
            }
            dst.limit(dst.position() + stored);
            return (int) n;
        }
    }

    private ByteBuffer bounce(int size) {
        if (bounce == null || bounce.capacity() < size) {
            bounce = Native.allocateDirect(Math.max(size, 4096));
        }
        return bounce;
    }
}
