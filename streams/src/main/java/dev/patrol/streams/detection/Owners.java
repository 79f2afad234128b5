package dev.patrol.streams.detection;

/** Who a use is attributed to for per-person state: the acting user id, else UPN, else the token owner. */
final class Owners {

    private Owners() {
    }

    static String of(TokenUse use) {
        var actor = use.event().actor();
        if (actor.userId() != null && !actor.userId().isBlank()) {
            return "user:" + actor.userId();
        }
        if (actor.userPrincipalName() != null) {
            return "upn:" + actor.userPrincipalName().toLowerCase(java.util.Locale.ROOT);
        }
        return use.token() != null ? "owner:" + use.token().owner().descriptor() : "unknown";
    }
}
