package dev.patrol.streams.enrich;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GeoLite2 files of {@code org.elasticsearch:geolite2-databases} (2019 data, CC BY-SA 4.0), made available as
 * plain files so they can be memory-mapped rather than loaded into the heap (~60 MB for City).
 *
 * <p>Each file is extracted once into a per-user directory under {@code java.io.tmpdir} and named by the CRC-32 the
 * jar records for it, so later starts reuse it without reading the jar and a different jar version gets its own
 * file. Extraction writes a temporary file and renames it, so a concurrent start never maps a half-written file.
 * The directory must be private to this user (an attacker who could write it could feed PATrol false locations); if
 * it is not, a fresh private temporary directory is used instead.
 */
final class BundledGeoLite2 {

    static final String CITY = "GeoLite2-City.mmdb";
    static final String ASN = "GeoLite2-ASN.mmdb";
    static final String ATTRIBUTION =
            "This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com";

    private static final Logger LOG = LoggerFactory.getLogger(BundledGeoLite2.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private BundledGeoLite2() {
    }

    /** The bundled file as a path on disk, extracting it on first use. */
    static synchronized Path file(String resource) {
        URL url = BundledGeoLite2.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException("bundled GeoIP data " + resource + " is not on the classpath "
                    + "(org.elasticsearch:geolite2-databases); configure geoip.cityDatabase and geoip.asnDatabase");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI()); // an exploded classpath entry: nothing to extract
            }
            return extract(resource, url);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract bundled GeoIP data " + resource + ": " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bundled GeoIP data at an unusable location: " + url, e);
        }
    }

    private static Path extract(String resource, URL url) throws IOException {
        Path dir = cacheDirectory();
        URLConnection connection = url.openConnection();
        if (connection instanceof JarURLConnection jar && jar.getJarEntry().getCrc() >= 0) {
            long crc = jar.getJarEntry().getCrc();
            long size = jar.getJarEntry().getSize();
            Path target = dir.resolve(nameFor(resource, crc));
            if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == size) {
                LOG.debug("reusing extracted {} at {}", resource, target);
                return target;
            }
            try (InputStream in = jar.getInputStream()) {
                return store(in, dir, target, resource);
            }
        }
        // Some other packaging (e.g. a nested jar): the content hash is only known after reading it all.
        CRC32 crc = new CRC32();
        Path part = Files.createTempFile(dir, resource, ".part");
        try (InputStream in = new CheckedInputStream(connection.getInputStream(), crc)) {
            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            return moveIntoPlace(part, dir.resolve(nameFor(resource, crc.getValue())));
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private static Path store(InputStream in, Path dir, Path target, String resource) throws IOException {
        long started = System.nanoTime();
        Path part = Files.createTempFile(dir, resource, ".part");
        try {
            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            Path stored = moveIntoPlace(part, target);
            LOG.info("extracted bundled GeoIP data file={} path={} millis={}", resource, stored,
                    (System.nanoTime() - started) / 1_000_000);
            return stored;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private static Path moveIntoPlace(Path part, Path target) throws IOException {
        // Replacing is safe even if another process maps the old file: its mapping keeps the old inode alive.
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    static String nameFor(String resource, long crc) {
        String base = resource.endsWith(".mmdb") ? resource.substring(0, resource.length() - 5) : resource;
        return base + "." + String.format(Locale.ROOT, "%08x", crc) + ".mmdb";
    }

    private static Path cacheDirectory() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
        Path dir = tmp.resolve("patrol-geolite2-" + user);
        try {
            if (posix) {
                if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                }
                if (privateToUs(dir)) {
                    return dir;
                }
            } else {
                // Without POSIX permissions (Windows) java.io.tmpdir is already the user's own directory.
                return Files.createDirectories(dir);
            }
        } catch (IOException e) {
            LOG.debug("cannot use {} for the bundled GeoIP data: {}", dir, e.toString());
        }
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path fresh = Files.createTempDirectory(tmp, "patrol-geolite2-", attributes);
        LOG.warn("{} is not a directory private to this user; extracting the bundled GeoIP data to {} instead "
                + "(delete it when done)", dir, fresh);
        return fresh;
    }

    /** Owned by this user, a real directory (not a planted symlink) and writable by nobody else. */
    private static boolean privateToUs(Path dir) throws IOException {
        PosixFileAttributes attributes =
                Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            return false;
        }
        Path probe = Files.createTempFile(dir, ".owner", ".probe");
        try {
            boolean ours = attributes.owner().equals(Files.getOwner(probe));
            boolean othersMayWrite = attributes.permissions().stream().anyMatch(List.of(
                    PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE)::contains);
            return ours && !othersMayWrite;
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
