package dev.patrol.deploy.report;

import dev.patrol.ingest.ado.AdoEndpoints;
import dev.patrol.ingest.ado.AdoHttpClient;
import dev.patrol.ingest.inventory.InventoryScanner;
import dev.patrol.model.config.ConfigException;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scans ADO directly, as the ingest service does (Graph users, then tokenadmin per user), without Kafka: the
 * inventory can be reported on before anything is deployed, e.g. to find the global PATs to replace. ADO holds no
 * findings, so the report says findings are not available.
 */
public final class AdoInventorySource {

    static final String NO_FINDINGS = "an ADO scan lists tokens, not findings; findings are PATrol's own "
            + "(report --from kafka where the services run)";

    private AdoInventorySource() {
    }

    /** Checks what a scan needs, with the same one-line messages as the services. */
    public static PatrolConfig requireForScan(PatrolConfig config) {
        if (config.organizations().isEmpty()) {
            throw new ConfigException("config key organization: required to scan ADO (the organization whose tokens "
                    + "to list); set it in the config file or as PATROL_ORGANIZATION (or organizations, for several)");
        }
        config.organizations().forEach(name -> config.forOrganization(name).ado().requireCredential());
        return config;
    }

    /**
     * Scans every configured organization in turn, with {@code ingest.inventoryConcurrency} calls in flight.
     *
     * @param source the words the report uses for where the inventory came from
     */
    public static Inventory scan(PatrolConfig config, String source, Clock clock, Progress progress)
            throws InterruptedException {
        requireForScan(config);
        List<PersonalAccessToken> tokens = new ArrayList<>();
        List<OrgUser> users = new ArrayList<>();
        List<String> caveats = new ArrayList<>();
        for (String organization : config.organizations()) {
            PatrolConfig org = config.forOrganization(organization);
            var endpoints = new AdoEndpoints(org.ado().auditBaseUrl(), org.ado().vsspsBaseUrl(), organization);
            AtomicLong listings = new AtomicLong();
            var client = AdoHttpClient.forSettings(org.ado(), clock).observedBy(new AdoHttpClient.Observer() {
                @Override
                public void answered(String call, int status, long remaining, long limit) {
                    if (call.equals("tokenadmin") && status < 300) {
                        long read = listings.incrementAndGet();
                        progress.update(() -> organization + ": " + read + " tokenadmin pages read so far (a page "
                                + "per user, more for users with over 100 tokens)");
                    }
                }
            });
            progress.done("scanning organization '" + organization + "' at " + org.ado().vsspsBaseUrl()
                    + " (Graph users, then each user's PATs)");
            var scanner = new InventoryScanner(organization, endpoints, client, clock,
                    org.ingest().inventoryConcurrency(), false);
            InventoryScanner.Snapshot snapshot = scanner.scan();
            tokens.addAll(snapshot.tokens().values());
            snapshot.users().forEach(user -> users.add(new OrgUser(organization, user, snapshot.observedAt())));
            if (!snapshot.usersComplete()) {
                caveats.add(organization + ": some Graph users could not be read, so their tokens are missing");
            }
            if (!snapshot.failedUsers().isEmpty()) {
                caveats.add(organization + ": the tokens of " + snapshot.failedUsers().size() + " user(s) could not be "
                        + "listed (see the warnings on stderr), so the report may miss some of their tokens");
            }
            progress.done(organization + ": " + snapshot.users().size() + " users, " + snapshot.tokens().size()
                    + " tokens");
        }
        return Inventory.withoutFindings(source, tokens, users, NO_FINDINGS, caveats);
    }
}
