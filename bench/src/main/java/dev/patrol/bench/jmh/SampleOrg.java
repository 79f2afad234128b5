package dev.patrol.bench.jmh;

import dev.patrol.bench.AuditMix;
import dev.patrol.model.ado.SessionToken;
import dev.patrol.model.event.PersonalAccessToken;
import dev.patrol.model.event.ReceivedAuditEntry;
import dev.patrol.model.event.TokenOwner;
import dev.patrol.simulator.SimToken;
import dev.patrol.simulator.SimUser;
import dev.patrol.simulator.SimulatedOrg;
import dev.patrol.simulator.SimulatorConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The benchmarks' data: one simulated organization (seed 42) and a mix of its audit entries, as the end-to-end run uses. */
final class SampleOrg {

    static final int USERS = 500;
    static final int ENTRIES = 5_000;

    private SampleOrg() {
    }

    static SimulatedOrg org() {
        // The simulator generates its organization at start; the server itself is not needed here.
        try (var simulator = dev.patrol.simulator.AdoSimulator.start(
                SimulatorConfig.defaults().withUsers(USERS).withAuditEntries(ENTRIES))) {
            return simulator.org();
        }
    }

    /** {@code n} entries of the mix (5% of PAT uses off-network, Zipf over 10,000 addresses), a second apart from {@code start}. */
    static List<ReceivedAuditEntry> entries(SimulatedOrg org, int n, Instant start) {
        var mix = new AuditMix(org, 0.05, 10_000, 42);
        List<ReceivedAuditEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(mix.next(start.plusSeconds(i)));
        }
        return entries;
    }

    /** The organization's inventory as ingest writes it to the tokens topic. */
    static List<PersonalAccessToken> tokens(SimulatedOrg org, Instant observedAt) {
        Map<String, SimUser> users = org.users().stream().collect(Collectors.toMap(SimUser::descriptor, Function.identity()));
        List<PersonalAccessToken> tokens = new ArrayList<>();
        for (SimToken t : org.tokens()) {
            SimUser owner = users.get(t.ownerDescriptor());
            var session = new SessionToken(t.authorizationId(), t.authorizationId(), null, null, null, t.displayName(),
                    t.scope(), t.targetAccounts(), t.validFrom(), t.validTo(), t.isValid(), false, null, null, null, null);
            tokens.add(new PersonalAccessToken(org.organization(), new TokenOwner(t.ownerDescriptor(),
                    owner == null ? null : owner.principalName(), owner == null ? null : owner.displayName()), session,
                    observedAt));
        }
        return tokens;
    }
}
