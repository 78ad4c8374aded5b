// SPDX-License-Identifier: Apache-2.0
package org.dropscope.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.dropscope.report.ReportFiles;
import org.dropscope.testing.FuzzTarget;
import org.dropscope.testing.Fuzzing;
import picocli.CommandLine;

/**
 * Fuzz target: {@code dropscope report} and {@code dropscope replay} run in-process through
 * picocli with fuzzed arguments and a fuzzed input file. Input: the arguments, one per line, up
 * to the first NUL byte (the first is the command: {@code replay}, anything else is
 * {@code report}), then the file's bytes.
 *
 * <p>Paths are not the fuzzer's to choose: the FILE argument (any {@code FILE} or {@code -}
 * argument, or one appended when none is) is the input file, {@code --svg} writes into a temporary
 * directory, and {@code --kallsyms} (also given to {@code -l}/{@code --lmethod} without one, so
 * that this machine's /proc/kallsyms is never read) is a small saved kallsyms. {@code @file}
 * arguments are not expanded. Inputs whose arguments run past {@value #MAX_ARGUMENT_CHARS}
 * characters are skipped (the filter language's long inputs are FilterFuzzTest's).
 *
 * <p>Oracle: a documented exit code other than 1 ("a bug", which an internal error is), nothing
 * thrown, and on standard error only "dropscope: " lines (so no stack trace). Arguments may echo
 * in those lines: the fuzzer's own words are not checked for.
 */
public class OfflineCommandFuzzTest extends FuzzTarget {
    private static final Set<Integer> DOCUMENTED = Set.of(ExitCodes.OK, ExitCodes.USAGE, ExitCodes.NO_PERMISSION,
            ExitCodes.NO_KERNEL_FEATURE, ExitCodes.BAD_INPUT, ExitCodes.SYSTEM);
    private static final Path DIR = tempDir();
    private static final Path INPUT = DIR.resolve("input");
    private static final Path SVG = DIR.resolve("out.svg");
    private static final Path KALLSYMS = DIR.resolve("kallsyms");
    /** The input file, open for all inputs: each is written over the one before, in place. */
    private static final FileChannel INPUT_FILE = openInput();
    /**
     * One command line for all inputs, as picocli allows (it resets every option before parsing):
     * building one costs more than most runs of a command.
     */
    private static final CommandLine COMMAND_LINE = DropscopeCommand.newCommandLine().setExpandAtFiles(false);

    /** The longest argument text tried; see the class comment. */
    private static final int MAX_ARGUMENT_CHARS = 512;

    @Override
    public List<byte[]> seeds() {
        byte[] record = ReportFiles.write(ReportFiles.events(6, true), 4);
        byte[] capture = Fuzzing.resource("/fixtures/netlink/netdm-6.1.pcap");
        List<byte[]> seeds = new ArrayList<>();
        for (String args : List.of("report", "report\n--format\njson", "report\n--format\ncsv\n--group\ncpu,proto,second",
                "report\n--since\n1s\n--until\n2026-11-22T06:00:01Z\n--filter\nreason == NO_SOCKET", "report\n--folded",
                "report\n--svg\nOUT", "report\n--group\nstack,location\n--format\ndropwatch")) {
            seeds.add(Fuzzing.concat(Fuzzing.utf8(args), new byte[] {0}, record));
        }
        for (String args : List.of("replay", "replay\n-l\nkas", "replay\n--family-id\n31", "report\n--format\ndropwatch",
                "report\n--kallsyms\nK\n--group\nsymbol,reason,cpu", "report\n-\n--format\njson")) {
            seeds.add(Fuzzing.concat(Fuzzing.utf8(args), new byte[] {0}, capture));
        }
        return seeds;
    }

    @Override
    public void fuzzOne(byte[] data) {
        int nul = indexOf(data, (byte) 0);
        if (nul < 0 || nul > MAX_ARGUMENT_CHARS) {
            return;
        }
        List<String> args = arguments(new String(data, 0, nul, StandardCharsets.UTF_8));
        CommandRun.Result ran;
        try {
            writeInput(data, nul + 1);
            // java.io's delete: a missing file is no exception (NoSuchFileException, stack trace and all).
            SVG.toFile().delete();
            ran = CommandRun.reusing(COMMAND_LINE).run(args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int code = ran.exit();
        String said = ran.err();
        // An internal error is exit code 1; a stack trace is lines without "dropscope: ".
        assertTrue(DOCUMENTED.contains(code), () -> "exit code " + code + " for " + args + ":\n" + said);
        for (String line : lines(said)) {
            assertTrue(line.isEmpty() || line.startsWith("dropscope: "), () -> args + ": stray line on stderr: " + line);
        }
    }

    /** The command line the input asks for, with the paths replaced (see the class comment). */
    private static List<String> arguments(String text) {
        List<String> in = lines(text);
        List<String> args = new ArrayList<>();
        args.add(in.remove(0).equals("replay") ? "replay" : "report");
        boolean file = false;
        boolean kallsyms = false;
        boolean lookup = false;
        for (int i = 0; i < in.size(); i++) {
            String a = in.get(i);
            if (a.equals("FILE") || a.equals("-")) {
                args.add(INPUT.toString());
                file = true;
            } else if (a.startsWith("--svg") || a.startsWith("--kallsyms")) {
                boolean svg = a.startsWith("--svg");
                kallsyms |= !svg;
                args.add((svg ? "--svg=" : "--kallsyms=") + (svg ? SVG : KALLSYMS));
                if (!a.contains("=")) {
                    i++;
                }
            } else {
                lookup |= a.startsWith("-l") || a.startsWith("--lmethod");
                args.add(a);
            }
        }
        if (lookup && !kallsyms) {
            args.add("--kallsyms=" + KALLSYMS);
        }
        if (!file) {
            args.add(INPUT.toString());
        }
        return args;
    }

    /**
     * {@code text} cut at each newline, as {@code text.split("\n", -1)} cuts it, but without the
     * regular expression that Jazzer's hook on split inspects at every call.
     */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
            lines.add(text.substring(start, nl));
            start = nl + 1;
        }
        lines.add(text.substring(start));
        return lines;
    }

    /**
     * Makes the input file hold {@code data} from {@code from} on: written over the last input and
     * cut to length, through the channel kept open. Opening it with truncation for every input
     * cost more than most runs of a command: on ext4, truncating a file and writing it again
     * starts its write-back at close (auto_da_alloc), and the next truncation waits for the disk.
     */
    private static void writeInput(byte[] data, int from) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data, from, data.length - from);
        while (b.hasRemaining()) {
            INPUT_FILE.write(b, b.position() - from);
        }
        INPUT_FILE.truncate(data.length - from);
    }

    private static FileChannel openInput() {
        try {
            return FileChannel.open(INPUT, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int indexOf(byte[] data, byte b) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A temporary directory in memory (tmpfs, /dev/shm) where the system has one, else in the
     * default temporary directory: every input writes the input file, and some the SVG, and
     * neither needs a disk.
     */
    private static Path tempDir() {
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "dropscope-fuzz-cli") : Files.createTempDirectory("dropscope-fuzz-cli");
            Files.write(dir.resolve("kallsyms"), Fuzzing.resource("/kallsyms-fixtures/with-modules.txt"));
            dir.toFile().deleteOnExit();
            dir.resolve("kallsyms").toFile().deleteOnExit();
            dir.resolve("input").toFile().deleteOnExit();
            dir.resolve("out.svg").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
