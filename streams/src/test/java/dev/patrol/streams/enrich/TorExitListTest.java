package dev.patrol.streams.enrich;

import static dev.patrol.streams.enrich.Fixtures.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.patrol.model.config.ConfigException;
import dev.patrol.model.config.PatrolConfig.NetworkSettings;
import dev.patrol.model.event.NetworkClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing the Tor exit list formats, and re-reading the list when its file changes. */
class TorExitListTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadAddressesWhenListHasCommentsAndBlankLines() {
        // given
        List<String> lines = List.of(
                "# Tor exits, fetched 2026-06-01",
                "",
                "185.220.101.1",
                "   185.220.101.2   # trailing comment",
                "\t",
                "2a0b:f4c0:16c:1::1",
                "[2a0b:f4c0:16c:1::2]");

        // when
        TorExitList.Parsed parsed = TorExitList.parse(lines);

        // then
        assertThat(parsed.addresses()).containsExactlyInAnyOrder(ip("185.220.101.1"), ip("185.220.101.2"),
                ip("2a0b:f4c0:16c:1::1"), ip("2a0b:f4c0:16c:1::2"));
        assertThat(parsed.malformedLines()).isZero();
    }

    @Test
    void shouldReadAddressesWhenListIsTheBulkExitListFormat() {
        // given: https://check.torproject.org/torbulkexitlist (older versions of the service added comment headers)
        List<String> lines = List.of(
                "# This is a list of all Tor exit nodes from the past 16 hours that can contact 1.2.3.4 on port 443 #",
                "# You can update this list by visiting https://check.torproject.org/cgi-bin/TorBulkExitList.py #",
                "# This file was generated on Sun Jun  1 00:00:00 UTC 2026 #",
                "102.130.113.9",
                "103.109.101.105",
                "104.192.1.138");

        // when
        TorExitList.Parsed parsed = TorExitList.parse(lines);

        // then
        assertThat(parsed.addresses()).containsExactlyInAnyOrder(ip("102.130.113.9"), ip("103.109.101.105"),
                ip("104.192.1.138"));
        assertThat(parsed.malformedLines()).isZero();
    }

    @Test
    void shouldReadExitAddressLinesWhenListIsTheExitAddressesFormat() {
        // given: https://check.torproject.org/exit-addresses
        List<String> lines = List.of(
                "ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E",
                "Published 2026-05-31 16:53:10",
                "LastStatus 2026-05-31 18:00:00",
                "ExitAddress 162.247.74.201 2026-05-31 18:09:28",
                "ExitNode 0091174DE56EB4C2D5C3A6C4D3A4D1A3C1C0A2B3",
                "Published 2026-05-31 10:00:00",
                "LastStatus 2026-05-31 11:00:00",
                "ExitAddress 185.220.101.33 2026-05-31 11:12:13",
                "ExitAddress 185.220.101.34 2026-05-31 11:12:14");

        // when
        TorExitList.Parsed parsed = TorExitList.parse(lines);

        // then
        assertThat(parsed.addresses()).containsExactlyInAnyOrder(ip("162.247.74.201"), ip("185.220.101.33"),
                ip("185.220.101.34"));
        assertThat(parsed.malformedLines()).isZero();
    }

    @Test
    void shouldCountMalformedLinesWhenTheyAreNeitherAddressesNorKnownKeywords() {
        // given
        List<String> lines = List.of("1.2.3.4", "tor.example.org", "1.2.3.4 5.6.7.8", "ExitAddress", "300.1.1.1",
                "5.6.7.8");

        // when
        TorExitList.Parsed parsed = TorExitList.parse(lines);

        // then
        assertThat(parsed.addresses()).containsExactlyInAnyOrder(ip("1.2.3.4"), ip("5.6.7.8"));
        assertThat(parsed.malformedLines()).isEqualTo(4);
        assertThat(parsed.firstMalformedLine()).isEqualTo(2);
    }

    @Test
    void shouldReportMalformedLinesWithoutTheirContentWhenLoading() throws IOException {
        try (LogCapture log = new LogCapture(TorExitList.class)) {
            // given
            Path file = Files.writeString(dir.resolve("tor.txt"), "1.2.3.4\nsecret-looking-junk\n");

            // when
            TorExitList.load(file, Duration.ofMinutes(1), new Fixtures.MutableClock());

            // then
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("count=1", "firstLine=2")
                    .doesNotContain("junk");
            assertThat(log.messages(Level.INFO)).singleElement().asString()
                    .contains("addresses=1")
                    .doesNotContain("1.2.3.4");
        }
    }

    @Test
    void shouldClassifyNewExitWhenListFileChangesAndTheCheckIntervalPassed() throws IOException {
        // given
        Fixtures.MutableClock clock = new Fixtures.MutableClock();
        Path file = dir.resolve("tor.txt");
        write(file, "45.0.0.9\n", clock.instant());
        NetworkClassifier classifier = NetworkClassifier.from(settings(file), Duration.ofMinutes(5), clock);
        write(file, "45.0.0.10\n", clock.instant().plusSeconds(1));

        // when
        NetworkClass beforeInterval = classifier.classify(ip("45.0.0.10"), GeoIpResult.EMPTY);
        clock.advance(Duration.ofMinutes(5));
        NetworkClass afterInterval = classifier.classify(ip("45.0.0.10"), GeoIpResult.EMPTY);

        // then
        assertThat(beforeInterval).isEqualTo(NetworkClass.PUBLIC);
        assertThat(afterInterval).isEqualTo(NetworkClass.TOR);
        assertThat(classifier.classify(ip("45.0.0.9"), GeoIpResult.EMPTY)).isEqualTo(NetworkClass.PUBLIC);
    }

    @Test
    void shouldKeepTheLoadedListWhenTheFileDisappears() throws IOException {
        // given
        Path file = Files.writeString(dir.resolve("tor.txt"), "45.0.0.9\n");
        NetworkClassifier classifier = NetworkClassifier.from(settings(file));
        Files.delete(file);

        // when
        classifier.checkForChanges();

        // then
        assertThat(classifier.classify(ip("45.0.0.9"), GeoIpResult.EMPTY)).isEqualTo(NetworkClass.TOR);
        assertThat(classifier.torExitCount()).isEqualTo(1);
    }

    @Test
    void shouldFailWithOneLineNamingTheKeyWhenTheListCannotBeRead() {
        // given
        Path missing = dir.resolve("missing.txt");

        // when / then
        assertThatThrownBy(() -> NetworkClassifier.from(settings(missing)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key network.torExitListFile: cannot read " + missing + " (NoSuchFileException)");
    }

    static NetworkSettings settings(Path torList) {
        return new NetworkSettings(List.of(), List.of(), List.of(), List.of(), List.of(), Optional.of(torList));
    }

    /** Writes the list as a download tool would: a complete new file renamed over the old one. */
    static void write(Path file, String content, Instant modified) throws IOException {
        Path part = Files.writeString(file.resolveSibling(file.getFileName() + ".part"), content);
        Files.setLastModifiedTime(part, FileTime.from(modified));
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
