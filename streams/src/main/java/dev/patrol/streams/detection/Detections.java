package dev.patrol.streams.detection;

import java.util.List;

/** Every detection type PATrol has, in a fixed order. Each needs a rule of the same id in the rule file. */
public final class Detections {

    private Detections() {
    }

    public static List<Detection> all() {
        return List.of(
                new OffNetworkPatUse(),
                new FirstSeenAsn(),
                new FirstSeenCountry(),
                new ImpossibleTravel(),
                new ConcurrentNetworks(),
                new AnonymousSourceUse(),
                new PatUserAgent(),
                new SensitiveOperationUse(),
                new GhostTokenUse(),
                new PostRevocationUse(),
                new LeakedTokenUse(),
                new SharedSourceAcrossOwners(),
                new TokenHygiene(),
                new RiskyTokenCreation(),
                new PermissionGrant(),
                new AdminGroupAddition(),
                new AuditTamper(),
                new NewPolicyBypasser(),
                new ServiceConnectionUse(),
                new PollerLag(),
                new AuditSilence());
    }
}
