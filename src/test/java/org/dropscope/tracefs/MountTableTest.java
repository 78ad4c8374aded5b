// SPDX-License-Identifier: Apache-2.0
package org.dropscope.tracefs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MountTableTest {

    @Test
    void readsSourceTargetAndTypeAndUnescapesOctal() throws Exception {
        String mounts = "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
                + "tracefs /sys/kernel/tracing tracefs rw,nosuid,nodev,noexec,relatime 0 0\n"
                + "nodev /mnt/my\\040trace\\011dir tracefs rw,relatime 0 0\n"
                + "a\\134b /x\\012y ext4 rw 0 0\n"
                + "\n"
                + "partial-line\n";
        assertEquals(List.of(
                new MountTable.Entry("sysfs", "/sys", "sysfs"),
                new MountTable.Entry("tracefs", "/sys/kernel/tracing", "tracefs"),
                new MountTable.Entry("nodev", "/mnt/my trace\tdir", "tracefs"),
                new MountTable.Entry("a\\b", "/x\ny", "ext4")),
                MountTable.parseMounts(new StringReader(mounts)));
    }

    @Test
    void aBackslashThatIsNotAnOctalEscapeStays() {
        assertEquals("a\\9b", MountTable.unescape("a\\9b"));
        assertEquals("end\\04", MountTable.unescape("end\\04"));
    }

    @Test
    void filesystemListDropsTheNodevMarker() throws Exception {
        String filesystems = "nodev\tsysfs\nnodev\ttracefs\n\text4\nnodev\tdebugfs\n";
        assertEquals(Set.of("sysfs", "tracefs", "ext4", "debugfs"),
                MountTable.parseFilesystems(new StringReader(filesystems)));
    }
}
