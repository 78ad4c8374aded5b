// SPDX-License-Identifier: Apache-2.0
package org.dropscope.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class NativeExceptionTest {

    @Test
    void messageNamesCallContextDescriptionAndErrno() {
        NativeException e = new NativeException("perf_event_open(2)", Errno.EACCES, "cpu 1");
        assertEquals("perf_event_open(2) cpu 1: Permission denied (EACCES)", e.getMessage());
        assertEquals("perf_event_open(2)", e.call());
        assertEquals(13, e.errno());
        assertEquals("EACCES", e.errnoName());
        assertEquals("Permission denied", e.description());
        assertEquals("cpu 1", e.context());
    }

    @Test
    void contextIsOptional() {
        NativeException e = new NativeException("socket(2)", Errno.EPROTONOSUPPORT);
        assertEquals("socket(2): Protocol not supported (EPROTONOSUPPORT)", e.getMessage());
        assertNull(e.context());
        assertEquals(e.getMessage(), new NativeException("socket(2)", Errno.EPROTONOSUPPORT, "").getMessage());
    }

    @Test
    void namesTheErrnoValuesCallersTestFor() {
        assertEquals("ENOBUFS", new NativeException("recvmsg(2)", Errno.ENOBUFS).errnoName());
        assertEquals("EBADF", Errno.name(Errno.EBADF));
        assertEquals("E2BIG", Errno.name(Errno.E2BIG));
        assertEquals("EAGAIN", Errno.name(Errno.EAGAIN));
        assertEquals("Argument list too long", Errno.description(Errno.E2BIG));
    }

    @Test
    void prefersTheKernelNameForOperationNotSupported() {
        assertEquals("EOPNOTSUPP", Errno.name(95));
        assertEquals("Operation not supported", Errno.description(95));
    }

    @Test
    void describesUnknownValuesByNumber() {
        NativeException e = new NativeException("ioctl(2)", 4242, "fd 3");
        assertEquals("errno 4242", e.errnoName());
        assertEquals("ioctl(2) fd 3: Unknown error 4242 (errno 4242)", e.getMessage());
    }
}
