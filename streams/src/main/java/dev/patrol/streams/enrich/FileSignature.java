package dev.patrol.streams.enrich;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What a watched file looked like when it was read: size, modification time and file key (the inode on Unix).
 * geoipupdate writes a new file and renames it over the old one, which changes the key even when size and time
 * happen to match.
 */
record FileSignature(long size, long modifiedNanos, Object fileKey) {

    static FileSignature of(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        return new FileSignature(attributes.size(),
                attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                attributes.fileKey());
    }

    boolean sameAs(FileSignature other) {
        return other != null && size == other.size && modifiedNanos == other.modifiedNanos
                && Objects.equals(fileKey, other.fileKey);
    }
}
