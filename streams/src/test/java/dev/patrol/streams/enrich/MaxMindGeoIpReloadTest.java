package dev.patrol.streams.enrich;

import static dev.patrol.streams.enrich.Fixtures.ip;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replacing a configured database file while PATrol runs. The clock is moved by hand and checks are called directly:
 * no sleeps. The configured file starts as a copy of the bundled GeoLite2 ASN data (8.8.8.8 is AS15169) and is
 * replaced by the fixture in which it is AS64500.
 */
class MaxMindGeoIpReloadTest {

    static final long GOOGLE = 15169L;
    static final long ALTERNATIVE = 64500L;

    @TempDir
    Path dir;
    Path asnFile;
    Fixtures.MutableClock clock = new Fixtures.MutableClock();
    MaxMindGeoIp geo;
    int replacements;

    @BeforeEach
    void setUp() throws IOException {
        asnFile = dir.resolve("GeoLite2-ASN.mmdb");
        replaceWith(BundledGeoLite2.file(BundledGeoLite2.ASN));
        geo = MaxMindGeoIp.open(Fixtures.settings(null, asnFile, null, null, 64), clock);
    }

    @AfterEach
    void tearDown() {
        geo.close();
    }

    @Test
    void shouldUseTheNewFileWhenItWasReplacedAndTheCheckIntervalPassed() throws IOException {
        // given
        replaceWith(Fixtures.ASN_ALTERNATIVE);
        clock.advance(Fixtures.CHECK_INTERVAL);

        // when
        GeoIpResult result = geo.lookup(ip("8.8.8.8"));

        // then
        assertThat(result.asn()).isEqualTo(ALTERNATIVE);
        assertThat(geo.reloads()).isEqualTo(1);
    }

    @Test
    void shouldAnswerFromTheNewFileWhenTheAddressWasCachedBeforeTheReload() throws IOException {
        // given: the answer from the old file is in the address cache
        assertThat(geo.lookup(ip("8.8.8.8")).asn()).isEqualTo(GOOGLE);
        assertThat(geo.lookup(ip("8.8.8.8")).asn()).isEqualTo(GOOGLE);
        assertThat(geo.cacheHits()).isEqualTo(1);
        replaceWith(Fixtures.ASN_ALTERNATIVE);
        clock.advance(Fixtures.CHECK_INTERVAL);

        // when
        GeoIpResult result = geo.lookup(ip("8.8.8.8"));

        // then
        assertThat(result.asn()).isEqualTo(ALTERNATIVE);
        assertThat(geo.reloads()).isEqualTo(1);
        assertThat(geo.cacheHits()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheLoadedDataWhenTheCheckIntervalHasNotPassed() throws IOException {
        // given
        replaceWith(Fixtures.ASN_ALTERNATIVE);
        clock.advance(Fixtures.CHECK_INTERVAL.minusSeconds(1));

        // when
        GeoIpResult result = geo.lookup(ip("8.8.8.8"));

        // then
        assertThat(result.asn()).isEqualTo(GOOGLE);
        assertThat(geo.reloads()).isZero();
    }

    @Test
    void shouldKeepTheOldReaderAndWarnOnceWhenTheNewFileIsCorrupt() throws IOException {
        try (LogCapture log = new LogCapture(MaxMindGeoIp.class)) {
            // given
            Path corrupt = Files.write(dir.resolve("corrupt.mmdb"), new byte[4096]);
            replaceWith(corrupt);

            // when
            geo.checkForChanges();
            geo.checkForChanges();
            GeoIpResult result = geo.lookup(ip("8.8.8.8"));

            // then
            assertThat(result.asn()).isEqualTo(GOOGLE);
            assertThat(geo.reloadFailures()).isEqualTo(1);
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("kind=ASN")
                    .contains("config key geoip.asnDatabase: " + asnFile + " is not a readable MaxMind database");
        }
    }

    @Test
    void shouldLoadAFixedFileWhenItReplacesARejectedOne() throws IOException {
        // given
        replaceWith(Files.write(dir.resolve("corrupt.mmdb"), new byte[4096]));
        geo.checkForChanges();
        replaceWith(Fixtures.ASN_ALTERNATIVE);

        // when
        geo.checkForChanges();

        // then
        assertThat(geo.lookup(ip("8.8.8.8")).asn()).isEqualTo(ALTERNATIVE);
        assertThat(geo.reloadFailures()).isEqualTo(1);
        assertThat(geo.reloads()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheOldReaderWhenTheNewFileIsOfTheWrongType() throws IOException {
        // given
        replaceWith(Fixtures.CITY_IPV4_ONLY);

        // when
        geo.checkForChanges();

        // then
        assertThat(geo.lookup(ip("8.8.8.8")).asn()).isEqualTo(GOOGLE);
        assertThat(geo.reloadFailures()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheOldReaderWhenTheFileIsDeleted() throws IOException {
        // given
        Files.delete(asnFile);

        // when
        geo.checkForChanges();

        // then
        assertThat(geo.lookup(ip("8.8.8.8")).asn()).isEqualTo(GOOGLE);
        assertThat(geo.reloads()).isZero();
    }

    @Test
    void shouldAnswerFromOldOrNewDataButNeverFailWhenReloadingDuringLookups() throws Exception {
        // given: two threads looking up while the file flips between the two versions
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Runnable lookups = () -> {
                while (running.get()) {
                    Long asn = geo.lookup(ip("8.8.8.8")).asn();
                    seen.add(asn == null ? -1L : asn);
                }
            };
            Future<?> first = pool.submit(lookups);
            Future<?> second = pool.submit(lookups);

            // when
            for (int i = 0; i < 20; i++) {
                replaceWith(i % 2 == 0 ? Fixtures.ASN_ALTERNATIVE : BundledGeoLite2.file(BundledGeoLite2.ASN));
                geo.checkForChanges();
            }
            running.set(false);
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);

            // then
            assertThat(geo.reloads()).isEqualTo(20);
            assertThat(seen).isNotEmpty().isSubsetOf(GOOGLE, ALTERNATIVE);
        } finally {
            running.set(false);
            pool.shutdownNow();
        }
    }

    /** Replaces the configured file the way geoipupdate does: write a new file, rename it over the old one. */
    void replaceWith(Path source) throws IOException {
        Path part = Files.copy(source, dir.resolve("GeoLite2-ASN.mmdb.part"), StandardCopyOption.REPLACE_EXISTING);
        // A distinct modification time per version, whatever the file system's timestamp resolution.
        Files.setLastModifiedTime(part, FileTime.from(clock.instant().plus(Duration.ofSeconds(++replacements))));
        Files.move(part, asnFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
