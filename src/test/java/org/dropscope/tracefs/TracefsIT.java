// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dropscope.source.tracepoint.KernelMounter;
import org.dropscope.testing.ProcFacts;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Against the running kernel, as root: locate or mount tracefs, read {@code skb:kfree_skb}'s id
 * and format, close, and check that the mount table is exactly as it was.
 *
 * <p>Not root: fails when {@code CI=true}, otherwise is skipped with the reason.
 */
@Tag("kernel")
class TracefsIT {
    /** The kernel the 6.18 fixture was captured on (see its .md sidecar). */
    private static final String FIXTURE_KERNEL = "6.18.44-fc-v657";

    @BeforeAll
    static void requireRoot() throws IOException {
        String uid = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Uid:")).findFirst().orElse("Uid: ?").split("\\s+")[2];
        if (!uid.equals("0")) {
            String why = "TracefsIT needs root (mounting tracefs needs CAP_SYS_ADMIN, its files are"
                    + " root-only); effective uid is " + uid;
            if ("true".equals(System.getenv("CI"))) {
                fail(why + " and CI=true");
            }
            Assumptions.abort(why);
        }
    }

    private static List<String> mounts() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mounts"));
    }

    @Test
    void readsKfreeSkbAndLeavesTheMountTableAsItWas() throws Exception {
        List<String> before = mounts();
        boolean tracefsWasMounted = before.stream().anyMatch(l -> l.split(" ")[2].equals("tracefs"));

        int id;
        TracepointFormat format;
        String liveText;
        try (Tracefs t = Tracefs.open(new KernelMounter())) {
            assertEquals(!tracefsWasMounted, t.mountedByUs(), "mounts tracefs only when absent");
            assertEquals(before, mounts(), "mount table while open (a private mount is in none)");
            id = t.eventId("skb", "kfree_skb");
            format = t.eventFormat("skb", "kfree_skb");
            liveText = Files.readString(t.root().resolve("events/skb/kfree_skb/format"));
        }
        assertEquals(before, mounts(), "mount table after close");

        assertEquals(id, format.id());
        assertEquals("kfree_skb", format.name());
        KfreeSkbLayout layout = KfreeSkbLayout.from(format);
        assertEquals(id, layout.eventId());
        DropReasons reasons = DropReasons.from(format);
        if (layout.hasReason()) {
            assertTrue(reasons.codeOf("NOT_SPECIFIED") >= 0, reasons.toString());
        }

        String release = ProcFacts.sysctl("kernel/osrelease");
        if (release.equals(FIXTURE_KERNEL)) {
            // same kernel as the fixture: the committed file must be what this kernel prints
            assertEquals(withoutId(Fixtures.text(Fixtures.KFREE_6_18)), withoutId(liveText));
        }
    }

    /**
     * Two private mounts made at once, as two dropscope processes make them: neither is in the
     * mount table, and releasing one leaves the other readable (mounting at /sys/kernel/tracing and
     * unmounting it again pulled tracefs from under a process started at the same moment).
     */
    @Test
    void privateMountsAreInNoMountTableAndReleasingOneLeavesTheOtherReadable() throws Exception {
        List<String> before = mounts();
        Tracefs first = openPrivate();
        try (Tracefs second = openPrivate()) {
            assertTrue(first.mountedByUs() && second.mountedByUs(), "both mounted tracefs themselves");
            assertNotEquals(first.root(), second.root());
            assertEquals(before, mounts(), "mount table while two private mounts are open");
            int id = first.eventId("skb", "kfree_skb");
            first.close();
            assertEquals(id, second.eventId("skb", "kfree_skb"), "the second's id after the first was released");
            assertEquals("kfree_skb", second.eventFormat("skb", "kfree_skb").name());
        } finally {
            first.close();
        }
        assertEquals(before, mounts(), "mount table after both closed");
    }

    /** Tracefs as if nothing were mounted: an empty mount table makes it mount a private one. */
    private static Tracefs openPrivate() throws IOException {
        try (Reader filesystems = Files.newBufferedReader(Path.of("/proc/filesystems"))) {
            return Tracefs.open(new StringReader(""), filesystems, new KernelMounter());
        }
    }

    private static String withoutId(String text) {
        return text.replaceFirst("(?m)^ID: \\d+$", "ID: <per boot>");
    }
}
