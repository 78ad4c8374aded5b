// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search order and error messages of {@link Tracefs}, against a fake {@code /sys/kernel}
 * in a temporary directory, fake mount tables and a fake {@link Mounter}.
 */
class TracefsTest {
    private static final String ALL_FS = "nodev\tsysfs\nnodev\tproc\nnodev\ttracefs\nnodev\tdebugfs\n";

    @TempDir
    Path tmp;
    private Path sysKernel;
    private Path tracing;
    private Path debug;
    private FakeMounter mounter;

    /**
     * Records calls; each mount is a new directory {@code private-N} under {@code dir}, filled with a
     * kfree_skb event as tracefs would be, and emptied on close.
     */
    static final class FakeMounter implements Mounter {
        final List<String> calls = new ArrayList<>();
        final Path dir;
        IOException mountError;

        FakeMounter(Path dir) {
            this.dir = dir;
        }

        @Override
        public Mount mountDetached(String fstype) throws IOException {
            calls.add("mount " + fstype);
            if (mountError != null) {
                throw mountError;
            }
            Path root = Files.createDirectories(dir.resolve("private-" + calls.size()));
            populate(root);
            return new Mount() {
                @Override
                public Path root() {
                    return root;
                }

                @Override
                public void close() {
                    calls.add("release " + root.getFileName());
                    try (Stream<Path> files = Files.walk(root)) {
                        for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                            Files.delete(p);
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            };
        }
    }

    static void populate(Path root) throws IOException {
        String format = Fixtures.text(Fixtures.KFREE_6_18);
        Path dir = Files.createDirectories(root.resolve("events/skb/kfree_skb"));
        Files.writeString(dir.resolve("format"), format, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("id"), Fixtures.id(format) + "\n", StandardCharsets.UTF_8);
    }

    @BeforeEach
    void setUp() throws IOException {
        sysKernel = Files.createDirectories(tmp.resolve("sys/kernel"));
        tracing = Files.createDirectories(sysKernel.resolve("tracing"));
        debug = Files.createDirectories(sysKernel.resolve("debug"));
        mounter = new FakeMounter(Files.createDirectories(tmp.resolve("detached")));
    }

    private Tracefs open(String mounts) throws IOException {
        return open(mounts, ALL_FS);
    }

    private Tracefs open(String mounts, String filesystems) throws IOException {
        return Tracefs.open(new StringReader(mounts), new StringReader(filesystems), mounter, sysKernel);
    }

    private static String line(String source, Path target, String type) {
        return source + " " + target.toString().replace(" ", "\\040") + " " + type + " rw,relatime 0 0\n";
    }

    @Test
    void aMountedTracefsIsUsedAndLeftAlone() throws Exception {
        populate(tracing);
        try (Tracefs t = open(line("proc", Path.of("/proc"), "proc") + line("tracefs", tracing, "tracefs"))) {
            assertEquals(tracing, t.root());
            assertFalse(t.mountedByUs());
            assertEquals(Fixtures.id(Fixtures.text(Fixtures.KFREE_6_18)), t.eventId("skb", "kfree_skb"));
            assertEquals("kfree_skb", t.eventFormat("skb", "kfree_skb").name());
        }
        assertEquals(List.of(), mounter.calls);
        assertTrue(Files.exists(tracing.resolve("events/skb/kfree_skb/format")));
    }

    @Test
    void sysKernelTracingIsPreferredOverOtherTracefsMounts() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("elsewhere"));
        String mounts = line("nodev", other, "tracefs") + line("tracefs", debug.resolve("tracing"), "tracefs")
                + line("tracefs", tracing, "tracefs");
        try (Tracefs t = open(mounts)) {
            assertEquals(tracing, t.root());
        }
    }

    @Test
    void otherwiseTheFirstTracefsMountAnywhere() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("my trace"));
        populate(other);
        String mounts = line("debugfs", debug, "debugfs") + line("nodev", other, "tracefs")
                + line("tracefs", debug.resolve("tracing"), "tracefs");
        try (Tracefs t = open(mounts)) {
            assertEquals(other, t.root());
            assertEquals("kfree_skb", t.eventFormat("skb", "kfree_skb").name());
        }
        assertEquals(List.of(), mounter.calls);
    }

    @Test
    void debugfsWithATracingDirectoryIsTheSecondChoice() throws Exception {
        populate(debug.resolve("tracing"));
        try (Tracefs t = open(line("debugfs", debug, "debugfs"))) {
            assertEquals(debug.resolve("tracing"), t.root());
            assertFalse(t.mountedByUs());
            assertTrue(t.eventId("skb", "kfree_skb") > 0);
        }
        assertEquals(List.of(), mounter.calls);
    }

    @Test
    void withNothingMountedAPrivateMountIsMadeAndReleasedOnClose() throws Exception {
        // debugfs without tracing/ does not count
        Tracefs t = open(line("debugfs", debug, "debugfs") + line("sysfs", sysKernel.getParent(), "sysfs"));
        assertTrue(t.mountedByUs());
        assertEquals(mounter.dir.resolve("private-1"), t.root());
        assertEquals(List.of("mount tracefs"), mounter.calls);
        KfreeSkbLayout layout = KfreeSkbLayout.from(t.eventFormat("skb", "kfree_skb"));
        assertEquals(t.eventId("skb", "kfree_skb"), layout.eventId());

        t.close();
        t.close();
        assertEquals(List.of("mount tracefs", "release private-1"), mounter.calls);
        assertFalse(Files.exists(t.root()));
        assertThrows(IllegalStateException.class, () -> t.eventId("skb", "kfree_skb"));
        try (Stream<Path> left = Files.list(tracing)) {
            assertEquals(0, left.count(), "nothing is mounted at " + tracing);
        }
    }

    @Test
    void twoOpenedTogetherHaveMountsOfTheirOwnAndClosingOneLeavesTheOtherReadable() throws Exception {
        Tracefs first = open("");
        try (Tracefs second = open("")) {
            assertEquals(List.of("mount tracefs", "mount tracefs"), mounter.calls);
            first.close();
            assertThrows(IllegalStateException.class, () -> first.eventId("skb", "kfree_skb"));
            assertEquals(Fixtures.id(Fixtures.text(Fixtures.KFREE_6_18)), second.eventId("skb", "kfree_skb"));
            assertTrue(Files.exists(second.root()), "the second's mount after the first closed");
        }
        assertEquals(List.of("mount tracefs", "mount tracefs", "release private-1", "release private-2"),
                mounter.calls);
    }

    @Test
    void epermFromTheMounterSaysWhatIsNeeded() {
        mounter.mountError = new AccessDeniedException("tracefs", null, "Operation not permitted");
        TracefsException e = assertThrows(TracefsException.class, () -> open(""));
        assertEquals(TracefsException.Kind.NOT_PERMITTED, e.kind());
        assertEquals("cannot mount tracefs (it is mounted nowhere): operation not permitted (EPERM): mounting"
                + " needs CAP_SYS_ADMIN; run dropscope as root, or have root mount it first:"
                + " mount -t tracefs nodev " + tracing, e.getMessage());
        assertEquals(mounter.mountError, e.getCause());
    }

    @Test
    void otherMountErrorsKeepTheErrno() {
        mounter.mountError = new IOException("ENODEV (No such device)");
        TracefsException e = assertThrows(TracefsException.class, () -> open(""));
        assertEquals(TracefsException.Kind.MOUNT_FAILED, e.kind());
        assertEquals("cannot mount tracefs (it is mounted nowhere): ENODEV (No such device); mount it by hand"
                + " (mount -t tracefs nodev " + tracing + ") and retry", e.getMessage());
    }

    @Test
    void aKernelWithoutTracefsIsToldApartFromMissingPermission() {
        TracefsException e = assertThrows(TracefsException.class,
                () -> open("", "nodev\tsysfs\nnodev\tproc\n\text4\n"));
        assertEquals(TracefsException.Kind.NOT_SUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("not in /proc/filesystems"), e.getMessage());
        assertTrue(e.getMessage().contains("CONFIG_TRACING"), e.getMessage());
        assertEquals(List.of(), mounter.calls);
    }

    @Test
    void aPrivateMountNeedsNoMountPoint() throws Exception {
        Files.delete(tracing);
        try (Tracefs t = open("")) {
            assertTrue(t.mountedByUs());
            assertEquals(List.of("mount tracefs"), mounter.calls);
        }
    }

    @Test
    void aMissingEventNamesTheTracepointAndTheLikelyCause() throws Exception {
        Files.createDirectories(tracing.resolve("events/sched/sched_switch"));
        try (Tracefs t = open(line("tracefs", tracing, "tracefs"))) {
            TracefsException e = assertThrows(TracefsException.class, () -> t.eventId("skb", "kfree_skb"));
            assertEquals(TracefsException.Kind.EVENT_NOT_FOUND, e.kind());
            assertEquals("tracepoint skb:kfree_skb not found under " + tracing.resolve("events")
                    + ": kernel built without CONFIG_NET? (the skb tracepoints come with it)"
                    + " (see ls " + tracing.resolve("events") + ")", e.getMessage());
            TracefsException other = assertThrows(TracefsException.class,
                    () -> t.eventFormat("foo", "bar"));
            assertTrue(other.getMessage().startsWith("tracepoint foo:bar not found under"),
                    other.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.eventId("..", "kfree_skb"));
            assertThrows(IllegalArgumentException.class, () -> t.eventId("skb", "a/b"));
        }
    }

    @Test
    void unreadableFilesSayTheyAreRootOnly() throws Exception {
        populate(tracing);
        Tracefs.TextOpener denied = file -> {
            throw new AccessDeniedException(file.toString());
        };
        try (Tracefs t = Tracefs.open(new StringReader(line("tracefs", tracing, "tracefs")),
                new StringReader(ALL_FS), mounter, sysKernel, denied)) {
            TracefsException e = assertThrows(TracefsException.class, () -> t.eventFormat("skb", "kfree_skb"));
            assertEquals(TracefsException.Kind.UNREADABLE, e.kind());
            assertEquals("cannot read " + tracing.resolve("events/skb/kfree_skb/format")
                    + ": permission denied (tracefs files are readable by root only by default);"
                    + " run dropscope as root", e.getMessage());
            assertEquals(TracefsException.Kind.UNREADABLE,
                    assertThrows(TracefsException.class, () -> t.eventId("skb", "kfree_skb")).kind());
        }
    }

    @Test
    void malformedIdAndMismatchedFormatAreFormatErrors() throws Exception {
        populate(tracing);
        Path dir = tracing.resolve("events/skb/kfree_skb");
        Files.writeString(dir.resolve("id"), "12a\n");
        Files.writeString(dir.resolve("format"), Fixtures.text(Fixtures.CONSUME_6_18));
        try (Tracefs t = open(line("tracefs", tracing, "tracefs"))) {
            TracefsFormatException id = assertThrows(TracefsFormatException.class,
                    () -> t.eventId("skb", "kfree_skb"));
            assertEquals("line 1: expected a decimal event id in " + dir.resolve("id") + " but found '12a'",
                    id.getMessage());
            TracefsFormatException format = assertThrows(TracefsFormatException.class,
                    () -> t.eventFormat("skb", "kfree_skb"));
            assertTrue(format.getMessage().contains("expected 'name: kfree_skb'"), format.getMessage());
        }
    }

}
