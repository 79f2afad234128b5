package dev.patrol.model.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class IsoInstantDeserializerTest {

    /** Jackson's own Instant handling: the reference the fast path must agree with. */
    private static final ObjectMapper STANDARD = JsonMapper.builder().addModule(new JavaTimeModule()).build();

    @Test
    void readsWhatAdoAndPatrolWrite() throws Exception {
        assertThat(read("2026-11-20T10:15:30.1234567Z")).isEqualTo(Instant.parse("2026-11-20T10:15:30.123456700Z"));
        assertThat(read("2026-11-20T10:15:30Z")).isEqualTo(Instant.parse("2026-11-20T10:15:30Z"));
        assertThat(read("1969-12-31T23:59:59.9Z")).isEqualTo(Instant.ofEpochSecond(-1, 900_000_000));
        assertThat(read("2024-02-29T00:00:00.000000001Z")).isEqualTo(Instant.parse("2024-02-29T00:00:00.000000001Z"));
    }

    @Test
    void leavesOtherFormsToJacksonsDeserializer() throws Exception {
        assertThat(IsoInstantDeserializer.parse("2026-11-20T10:15:30+01:00")).isNull();
        assertThat(read("2026-11-20T10:15:30+01:00")).isEqualTo(Instant.parse("2026-11-20T09:15:30Z"));
        assertThat(IsoInstantDeserializer.parse("2026-11-20T10:15:30.Z")).isNull();
        assertThat(IsoInstantDeserializer.parse("2026-11-20T10:15:30.1234567890Z")).isNull();
        assertThat(IsoInstantDeserializer.parse("2026-11-20 10:15:30Z")).isNull();
        assertThat(Json.mapper().readValue("1700000000.5", Instant.class)).isEqualTo(Instant.ofEpochSecond(1_700_000_000, 500_000_000));
    }

    @Test
    void invalidDatesFailAsBefore() {
        assertThat(IsoInstantDeserializer.parse("2026-02-30T10:15:30Z")).isNull();
        assertThatThrownBy(() -> read("2026-02-30T10:15:30Z")).isInstanceOf(InvalidFormatException.class);
        assertThatThrownBy(() -> read("2026-13-01T10:15:30Z")).isInstanceOf(InvalidFormatException.class);
        assertThatThrownBy(() -> read("2026-11-20T24:15:30Z")).isInstanceOf(InvalidFormatException.class);
        assertThatThrownBy(() -> read("not a time")).isInstanceOf(InvalidFormatException.class);
    }

    @Test
    void agreesWithTheStandardDeserializerOnAnyInstantAndFractionLength() {
        qt().forAll(longs().between(-62_135_596_800L, 253_402_300_799L), integers().between(0, 999_999_999),
                integers().between(0, 9)).checkAssert((seconds, nanos, digits) -> {
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            String text = DateTimeFormatter.ISO_INSTANT.format(instant);
            // Rewrite the fraction with exactly `digits` digits (truncating), as ADO writes seven.
            String whole = text.substring(0, 19);
            String fraction = String.format("%09d", nanos).substring(0, digits);
            String written = whole + (digits == 0 ? "" : "." + fraction) + "Z";
            try {
                assertThat(read(written)).as(written).isEqualTo(STANDARD.readValue('"' + written + '"', Instant.class));
            } catch (Exception e) {
                throw new AssertionError(written, e);
            }
        });
    }

    private static Instant read(String text) throws Exception {
        return Json.mapper().readValue('"' + text + '"', Instant.class);
    }
}
