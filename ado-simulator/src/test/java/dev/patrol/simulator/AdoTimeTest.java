package dev.patrol.simulator;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class AdoTimeTest {

    @Test
    void shouldMatchSpecExampleWhenComputingReverseTicks() {
        // given: the first entry of the audit spec's GET__AuditLog_QueryLog_by_date example
        Instant timestamp = AdoTime.parseOffsetDateTime("2019-03-05T14:05:02.1460838+00:00");

        // when
        String reverseTicks = AdoTime.reverseTicks(timestamp);

        // then
        assertThat(reverseTicks).isEqualTo("2518505060978539161");
    }

    @Test
    void shouldWriteSevenFractionDigitsAndExplicitOffsetWhenFormattingAuditTimestamp() {
        // when
        String text = AdoTime.auditTimestamp(Instant.parse("2026-05-01T10:15:30.120Z"));

        // then
        assertThat(text).isEqualTo("2026-05-01T10:15:30.1200000+00:00");
    }

    @Test
    void shouldDropTrailingFractionZerosWhenFormattingVsspsDate() {
        // when
        String fraction = AdoTime.vsspsDate(Instant.parse("2026-05-01T10:15:30.120Z"));
        String whole = AdoTime.vsspsDate(Instant.parse("2026-05-01T10:15:30Z"));

        // then
        assertThat(fraction).isEqualTo("2026-05-01T10:15:30.12Z");
        assertThat(whole).isEqualTo("2026-05-01T10:15:30Z");
    }

    @Test
    void shouldDropSubTickNanosWhenTruncatingToTick() {
        // when
        Instant truncated = AdoTime.truncateToTick(Instant.parse("2026-05-01T10:15:30.123456789Z"));

        // then
        assertThat(truncated).isEqualTo(Instant.parse("2026-05-01T10:15:30.1234567Z"));
    }
}
