// SPDX-License-Identifier: Apache-2.0
package org.dropscope.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.dropscope.io.OutputFiles;

/**
 * The flight recorder's segments in a directory of their own: {@code flight-*.dsr} files, created
 * 0600 through {@link OutputFiles} (no symbolic link followed); other files there are left alone.
 */
final class DirectoryStore implements SegmentStore {
    /** What the recorder's segment files are called: {@code flight-20261207T030000.000Z.dsr}. */
    static final String GLOB = "flight-*.dsr";

    private final Path dir;

    private DirectoryStore(Path dir) {
        this.dir = dir;
    }

    /**
     * The store in {@code dir}, created 0700 if missing (its parents as the file system allows).
     *
     * @throws IOException if it cannot be created, or is not a directory
     */
    static DirectoryStore open(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (dir.getParent() != null) {
                Files.createDirectories(dir.getParent());
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return new DirectoryStore(dir);
    }

    @Override
    public List<Segment> list() throws IOException {
        List<Segment> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, GLOB)) {
            for (Path p : ds) {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile()) {
                        out.add(new Segment(p.getFileName().toString(), a.size()));
                    }
                } catch (NoSuchFileException e) {
                    // Deleted while listed: not there.
                }
            }
        }
        out.sort(Comparator.comparing(Segment::name));
        return out;
    }

    @Override
    public OutputStream create(String name) throws IOException {
        return OutputFiles.open(dir.resolve(name));
    }

    @Override
    public InputStream open(String name) throws IOException {
        return Files.newInputStream(dir.resolve(name), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void delete(String name) throws IOException {
        Files.deleteIfExists(dir.resolve(name));
    }

    @Override
    public long usableBytes() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    @Override
    public long totalBytes() throws IOException {
        return Files.getFileStore(dir).getTotalSpace();
    }

    @Override
    public String where() {
        return dir.toString();
    }
}
