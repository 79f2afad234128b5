package dev.patrol.model.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class AuthMechanismTest {

    private static final String ID = "4ab5764f-4193-4f1d-b995-64144880b7d7";

    @Test
    void shouldReadFullScopePatAndIdWhenServerFormatIsUsed() {
        AuthMechanism mechanism = AuthMechanism.parse("PAT_Unscoped authorizationId: " + ID);

        assertThat(mechanism.kind()).isEqualTo(CredentialKind.PAT);
        assertThat(mechanism.name()).isEqualTo("PAT_Unscoped");
        assertThat(mechanism.fullScope()).isTrue();
        assertThat(mechanism.global()).isFalse();
        assertThat(mechanism.authorizationId()).contains(ID);
        assertThat(mechanism.isPat()).isTrue();
    }

    @Test
    void shouldReadIdWhenThereIsNoSpaceAfterTheColon() {
        AuthMechanism mechanism = AuthMechanism.parse("PAT_Unscoped authorizationId:" + ID);

        assertThat(mechanism.authorizationId()).contains(ID);
        assertThat(mechanism.fullScope()).isTrue();
    }

    @Test
    void shouldCanonicaliseUpperCaseGuidWhenIdIsUpperCase() {
        AuthMechanism mechanism = AuthMechanism.parse("PAT authorizationId: " + ID.toUpperCase());

        assertThat(mechanism.authorizationId()).contains(ID);
    }

    @Test
    void shouldHyphenateGuidWhenIdHasNoHyphens() {
        AuthMechanism mechanism = AuthMechanism.parse("PAT_Unscoped authorizationId:" + ID.replace("-", ""));

        assertThat(mechanism.authorizationId()).contains(ID);
    }

    @Test
    void shouldNotTakeALongerHexRunForAGuid() {
        AuthMechanism mechanism = AuthMechanism.parse("PAT authorizationId: " + ID + "ab");

        assertThat(mechanism.authorizationId()).isEmpty();
        assertThat(mechanism.kind()).isEqualTo(CredentialKind.PAT);
    }

    @ParameterizedTest
    @CsvSource({
            "PAT,                 PAT,           false, false",
            "PAT_Global,          PAT,           false, true",
            "PAT_UnscopedGlobal,  PAT,           true,  true",
            "SessionToken_Unscoped authorizationId: 4ab5764f-4193-4f1d-b995-64144880b7d7, SESSION_TOKEN, true, false",
            "AAD_Cookie,          COOKIE,        false, false",
            "FedAuth,             COOKIE,        false, false",
            "UserAuthToken,       COOKIE,        false, false",
            "S2S_ServicePrincipal, SERVICE_PRINCIPAL, false, false",
            "AAD,                 ENTRA,         false, false",
            "Basic_AAD,           ENTRA,         false, false",
            "Oauth,               OAUTH,         false, false",
            "SSH,                 SSH,           false, false",
            "None,                SYSTEM,        false, false",
            "SomethingNew,        UNKNOWN,       false, false",
    })
    void shouldClassifyMechanismWhenNameIsKnown(String raw, CredentialKind kind, boolean fullScope, boolean global) {
        AuthMechanism mechanism = AuthMechanism.parse(raw);

        assertThat(mechanism.kind()).isEqualTo(kind);
        assertThat(mechanism.fullScope()).isEqualTo(fullScope);
        assertThat(mechanism.global()).isEqualTo(global);
        assertThat(mechanism.raw()).isEqualTo(raw);
    }

    @Test
    void shouldHaveNoIdWhenPlainPat() {
        assertThat(AuthMechanism.parse("PAT").authorizationId()).isEmpty();
    }

    @Test
    void shouldKeepIdOfSessionTokens() {
        assertThat(AuthMechanism.parse("SessionToken_Unscoped authorizationId: " + ID).authorizationId()).contains(ID);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void shouldReportSystemWhenValueIsNullOrEmpty(String value) {
        AuthMechanism mechanism = AuthMechanism.parse(value);

        assertThat(mechanism.kind()).isEqualTo(CredentialKind.SYSTEM);
        assertThat(mechanism.raw()).isEmpty();
        assertThat(mechanism.authorizationId()).isEmpty();
    }

    @Test
    void shouldStripAdditionalDataWhenNameHasBangBangSuffix() {
        AuthMechanism mechanism = AuthMechanism.parse("PAT_Unscoped!!extra authorizationId: " + ID);

        assertThat(mechanism.name()).isEqualTo("PAT_Unscoped");
        assertThat(mechanism.kind()).isEqualTo(CredentialKind.PAT);
        assertThat(mechanism.fullScope()).isTrue();
        assertThat(mechanism.authorizationId()).contains(ID);
    }

    @Test
    void shouldKeepIdWhenSuffixFollowsIt() {
        AuthMechanism mechanism = AuthMechanism.parse("PAT authorizationId: " + ID + "!!extra");

        assertThat(mechanism.authorizationId()).contains(ID);
        assertThat(mechanism.name()).isEqualTo("PAT");
    }

    @Test
    void shouldReportUnknownWhenValueIsGarbage() {
        AuthMechanism mechanism = AuthMechanism.parse("  !!?? authorizationId: not-a-guid");

        assertThat(mechanism.kind()).isEqualTo(CredentialKind.UNKNOWN);
        assertThat(mechanism.authorizationId()).isEqualTo(Optional.empty());
    }
}
