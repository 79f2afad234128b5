package dev.patrol.model.event;

/**
 * What kind of credential performed an audited action, derived from the mechanism name in
 * {@code authenticationMechanism} (ado-api.md §2, enum {@code AuthenticationMechanism}).
 */
public enum CredentialKind {
    /** A personal access token ({@code PAT}, {@code PAT_Unscoped}, {@code PAT_Global}, {@code PAT_UnscopedGlobal}). */
    PAT,
    /** A self-describing session token sent as Bearer ({@code SessionToken*}, {@code Basic_SessionToken}). */
    SESSION_TOKEN,
    /** A browser session: {@code FedAuth}, {@code AAD_Cookie}, {@code UserAuthToken}, {@code UserAuthToken_VS2012}. */
    COOKIE,
    /** A Microsoft Entra bearer token of a user ({@code AAD}, {@code AAD_*}, {@code Basic_AAD}). */
    ENTRA,
    /** A service principal or managed identity ({@code S2S_*}, {@code AADServicePrincipal}, {@code Basic_AADServicePrincipal}). */
    SERVICE_PRINCIPAL,
    /** A legacy ADO OAuth app token ({@code Oauth}). */
    OAUTH,
    /** An SSH key. */
    SSH,
    /** Basic auth with something else ({@code Basic}). */
    BASIC,
    /** No credential: a system event ({@code ""} or {@code None}). */
    SYSTEM,
    /** A name this version does not know; kept raw in {@link AuthMechanism#name()}. */
    UNKNOWN
}
