// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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

    /** Test-only {@link Mounter} that runs mount(8) and umount(8). */
    static final class CommandMounter implements Mounter {
        @Override
        public void mount(String source, String target, String fstype) throws IOException {
            run(target, "mount", "-t", fstype, source, target);
        }

        @Override
        public void unmount(String target) throws IOException {
            run(target, "umount", target);
        }

        private static void run(String target, String... command) throws IOException {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out;
            try {
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(String.join(" ", command) + ": timed out");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(String.join(" ", command) + ": interrupted", e);
            }
            if (p.exitValue() != 0) {
                String lower = out.toLowerCase(Locale.ROOT);
                if (lower.contains("permission denied") || lower.contains("not permitted")
                        || lower.contains("must be superuser")) {
                    throw new AccessDeniedException(target, null, out);
                }
                throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
            }
        }
    }

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
        try (Tracefs t = Tracefs.open(new CommandMounter())) {
            assertEquals(!tracefsWasMounted, t.mountedByUs(), "mounts tracefs only when absent");
            if (t.mountedByUs()) {
                assertTrue(mounts().stream().anyMatch(l -> l.contains(" " + t.root() + " tracefs ")),
                        "tracefs appears in the mount table while open");
            }
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

        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        if (release.equals(FIXTURE_KERNEL)) {
            // same kernel as the fixture: the committed file must be what this kernel prints
            assertEquals(withoutId(Fixtures.text(Fixtures.KFREE_6_18)), withoutId(liveText));
        }
    }

    private static String withoutId(String text) {
        return text.replaceFirst("(?m)^ID: \\d+$", "ID: <per boot>");
    }
}
