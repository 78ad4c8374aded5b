// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.dropscope.event.DropEvent;
import org.dropscope.report.ReportFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dropscope report DIR}: a directory of record files (a flight recorder's segments) is one
 * recording; a damaged segment is one line and exit code 5 after the report of everything readable;
 * files that are not segments are left out.
 */
class ReportDirectoryTest {
    private static final List<DropEvent> EVENTS = ReportFiles.events(500, false);
    private static final byte[] FILE = ReportFiles.write(EVENTS, 64);

    @TempDir
    Path dir;

    private static long drops() {
        return EVENTS.stream().mapToLong(DropEvent::count).sum();
    }

    private static long total(String csv) {
        return csv.lines().skip(1).mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(',') + 1))).sum();
    }

    @Test
    void segmentsAreOneRecording() throws Exception {
        Files.write(dir.resolve("flight-20261122T060000.000Z.dsr"), FILE);
        Files.write(dir.resolve("flight-20261122T060100.000Z.dsr"), FILE);
        Files.writeString(dir.resolve("notes.txt"), "not a segment");
        CommandRun.Result r = CommandRun.dropscope().run("report", "--format", "csv", dir.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        assertEquals(2 * drops(), total(r.out()));
    }

    @Test
    void aDamagedSegmentIsOneLineAndExitFiveAfterTheReport() throws Exception {
        Path a = dir.resolve("flight-20261122T060000.000Z.dsr");
        byte[] flipped = FILE.clone();
        flipped[FILE.length / 2] ^= 1;
        Files.write(a, flipped);
        Files.write(dir.resolve("flight-20261122T060100.000Z.dsr"), FILE);
        CommandRun.Result r = CommandRun.dropscope().run("report", "--format", "csv", dir.toString());
        assertEquals(5, r.exit(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("dropscope: " + dir + ": " + a + ": ") && r.err().endsWith("; read up to it, the"
                + " other segments go on\n"), r.err());
        long counted = total(r.out());
        assertTrue(counted > drops() && counted < 2 * drops(), "both segments, the first up to its damage: " + counted);
    }

    @Test
    void aDirectoryWithoutRecordFilesIsOneLineAndExitFive() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "not a segment");
        CommandRun.Result r = CommandRun.dropscope().run("report", dir.toString());
        assertEquals(5, r.exit(), r.err());
        assertEquals("dropscope: " + dir + ": no record files (*.dsr) in this directory: name a record file, or a"
                + " flight recorder's directory (dropscope daemon --record-dir)\n", r.err());
    }

    @Test
    void aSegmentCutShortByAKillIsANoteNotDamage() throws Exception {
        Path a = dir.resolve("flight-20261122T060000.000Z.dsr");
        // Killed inside a block.
        Files.write(a, Arrays.copyOf(FILE, FILE.length / 2));
        Files.write(dir.resolve("flight-20261122T060100.000Z.dsr"), FILE);
        long readable = total(CommandRun.dropscope().run("report", "--format", "csv", a.toString()).out());
        CommandRun.Result r = CommandRun.dropscope().run("report", "--format", "csv", dir.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("dropscope: " + dir + ": " + a + " is cut short (") && r.err().endsWith("): the"
                + " daemon is writing it, or was killed; read up to its last whole block\n"), r.err());
        assertEquals(readable + drops(), total(r.out()));
        assertTrue(readable > 0, "the newest segment's whole blocks count");
    }
}
