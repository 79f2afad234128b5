package dev.patrol.deploy.report;

import dev.patrol.model.event.Finding;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.event.PersonalAccessToken;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a token report is built from, as one source read it: the PAT inventory, the organizations' users, and the
 * findings when the source has them.
 *
 * @param source              where it came from, in words for the report ("Kafka at …, topics …")
 * @param findings            the findings read; empty when none exist or when the source has none to give
 * @param findingsUnavailable why there are no findings to show, when the source has none to give (an ADO scan:
 *                            findings are PATrol's own); empty when findings were read, even if there were none
 * @param caveats             gaps the reader must know about (an incomplete scan, a missing users topic)
 */
public record Inventory(String source, List<PersonalAccessToken> tokens, List<OrgUser> users, List<Finding> findings,
                        Optional<String> findingsUnavailable, List<String> caveats) {

    public Inventory {
        Objects.requireNonNull(source, "source");
        tokens = List.copyOf(tokens);
        users = List.copyOf(users);
        findings = List.copyOf(findings);
        Objects.requireNonNull(findingsUnavailable, "findingsUnavailable");
        caveats = List.copyOf(caveats);
        if (findingsUnavailable.isPresent() && !findings.isEmpty()) {
            throw new IllegalArgumentException("findings cannot be both read and unavailable");
        }
    }

    /** An inventory from a source that holds findings (the findings topic), however many it held. */
    public static Inventory withFindings(String source, List<PersonalAccessToken> tokens, List<OrgUser> users,
                                         List<Finding> findings, List<String> caveats) {
        return new Inventory(source, tokens, users, findings, Optional.empty(), caveats);
    }

    /** An inventory from a source without findings; {@code why} is said in the report. */
    public static Inventory withoutFindings(String source, List<PersonalAccessToken> tokens, List<OrgUser> users,
                                            String why, List<String> caveats) {
        return new Inventory(source, tokens, users, List.of(), Optional.of(why), caveats);
    }
}
