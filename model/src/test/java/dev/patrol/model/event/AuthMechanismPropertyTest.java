package dev.patrol.model.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@link AuthMechanism#parse} over arbitrary and hostile values (any code point, control characters, huge strings,
 * near-miss GUIDs) and over well-formed values in every spelling ADO is known to use. Examples and seeds are fixed so
 * the figures in docs/RELIABILITY.md reproduce.
 */
class AuthMechanismPropertyTest {

    static final int HOSTILE_EXAMPLES = 5000;
    static final int WELL_FORMED_EXAMPLES = 3000;

    private static final Pattern CANONICAL_GUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]*");

    @Test
    void shouldNeverThrowAndKeepTheRawValueWhenTheValueIsArbitrary() {
        qt().withExamples(HOSTILE_EXAMPLES).withFixedSeed(20261122L).forAll(hostileValues()).checkAssert(value -> {
            AuthMechanism parsed = AuthMechanism.parse(value);

            assertThat(parsed.raw()).isEqualTo(value);
            assertThat(parsed.name()).matches(NAME);
            assertThat(value.strip()).startsWith(parsed.name());
            parsed.authorizationId().ifPresent(id -> {
                assertThat(id).matches(CANONICAL_GUID);
                assertThat(value.replace("-", "").toLowerCase(Locale.ROOT)).contains(id.replace("-", ""));
            });
            if (parsed.fullScope() || parsed.global()) {
                assertThat(parsed.kind()).as("scope flags only for token kinds")
                        .isIn(CredentialKind.PAT, CredentialKind.SESSION_TOKEN);
            }
            assertThat(AuthMechanism.parse(parsed.raw())).isEqualTo(parsed);
        });
    }

    @Test
    void shouldGiveTheEmptySystemMechanismWhenTheValueIsNull() {
        AuthMechanism parsed = AuthMechanism.parse(null);

        assertThat(parsed.raw()).isEmpty();
        assertThat(parsed.kind()).isEqualTo(CredentialKind.SYSTEM);
        assertThat(parsed.authorizationId()).isEmpty();
    }

    @Test
    void shouldReadKindScopeAndCanonicalIdWhenAPatValueIsWellFormed() {
        AtomicInteger checked = new AtomicInteger();
        qt().withExamples(WELL_FORMED_EXAMPLES).withFixedSeed(20261123L).forAll(patValues()).checkAssert(pat -> {
            AuthMechanism parsed = AuthMechanism.parse(pat.text());

            assertThat(parsed.kind()).isEqualTo(CredentialKind.PAT);
            assertThat(parsed.isPat()).isTrue();
            assertThat(parsed.name()).isEqualTo(pat.name());
            assertThat(parsed.fullScope()).isEqualTo(pat.name().toLowerCase(Locale.ROOT).contains("unscoped"));
            assertThat(parsed.global()).isEqualTo(pat.name().toLowerCase(Locale.ROOT).contains("global"));
            assertThat(parsed.authorizationId()).contains(pat.id().toString());
            checked.incrementAndGet();
        });

        assertThat(checked).hasValue(WELL_FORMED_EXAMPLES);
    }

    @Test
    void shouldFindNoIdWhenTheGuidIsOneHexDigitShortOrLong() {
        qt().withExamples(1000).withFixedSeed(20261124L).forAll(patValues(), booleans().all()).checkAssert((pat, longer) -> {
            String hex = pat.id().toString();
            String damaged = longer ? hex + "a" : hex.substring(0, hex.length() - 1);

            AuthMechanism parsed = AuthMechanism.parse(pat.name() + " authorizationId: " + damaged);

            assertThat(parsed.authorizationId()).isEmpty();
            assertThat(parsed.kind()).isEqualTo(CredentialKind.PAT);
        });
    }

    record PatValue(String name, UUID id, String text) {
    }

    static Gen<UUID> uuids() {
        return longs().all().zip(longs().all(), UUID::new);
    }

    private static Gen<PatValue> patValues() {
        Gen<String> names = arbitrary().pick("PAT", "PAT_Unscoped", "PAT_Global", "PAT_Global_Unscoped", "pat",
                "PAT_Scoped", "PATUnscoped");
        Gen<String> spellings = arbitrary().pick("lower", "upper", "lower-plain", "upper-plain");
        Gen<String> gaps = arbitrary().pick("", " ", "  ", "\t");
        Gen<String> suffixes = arbitrary().pick("", " !!additionalData", "!!{\"x\":1}", " trailing words", "\n");
        return names.zip(uuids(), spellings, gaps.zip(suffixes, (gap, suffix) -> new String[] {gap, suffix}),
                (name, id, spelling, around) -> {
                    String guid = spelling.endsWith("plain") ? id.toString().replace("-", "") : id.toString();
                    guid = spelling.startsWith("upper") ? guid.toUpperCase(Locale.ROOT) : guid;
                    return new PatValue(name, id, name + " authorizationId:" + around[0] + guid + around[1]);
                });
    }

    /** Any code point, near-misses of the real format, hex soup after the label, and 10k–50k character values. */
    private static Gen<String> hostileValues() {
        Gen<String> near = arbitrary().pick("PAT", "SessionToken", "AAD_Cookie", "S2S_x", "none", "", "Basic", "ssh",
                        "OAuth", "\u00c9PAT", "PAT\u0000", " PAT_Global")
                .zip(arbitrary().pick(" authorizationId: ", "authorizationId:", " AUTHORIZATIONID:\t", " authorizationId"),
                        uuids(), strings().allPossible().ofLengthBetween(0, 8),
                        (name, label, id, tail) -> name + label + id + tail);
        return Generate.frequency(
                Pair.of(5, strings().allPossible().ofLengthBetween(0, 200)),
                Pair.of(3, near),
                Pair.of(1, strings().betweenCodePoints(' ', 'z').ofLengthBetween(0, 120).map(s -> "PAT authorizationId:" + s)),
                Pair.of(1, huge(strings().allPossible().ofLengthBetween(1, 40))));
    }

    /** A short value repeated to 10k–50k characters: generating that many random code points one by one is slow. */
    static Gen<String> huge(Gen<String> pieces) {
        return pieces.zip(Generate.range(10_000, 50_000), (piece, length) -> piece.isEmpty() ? " ".repeat(length)
                : piece.repeat(length / piece.length() + 1));
    }
}
