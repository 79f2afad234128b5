package dev.patrol.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.event.NetworkContext;
import dev.patrol.streams.rules.RuleBook;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * Renaming a store or repartition topic orphans its state in a running deployment; this test makes such a change a
 * reviewed one: the full list of stores and internal topics is spelt out here.
 */
class TopologyShapeTest {

    @Test
    void shouldKeepStoreAndRepartitionNamesStable() {
        var topology = DetectionTopology.build(new DetectionTopology.Settings(
                ip -> new NetworkContext(null, NetworkClass.MISSING, null, null, null, null, null, null, null, null),
                RuleBook.load(Optional.empty()), "", Clock.systemUTC()));
        String description = topology.describe().toString();

        var stores = new TreeSet<String>();
        Matcher storeMatcher = Pattern.compile("stores: \\[([^\\]]*)\\]").matcher(description);
        while (storeMatcher.find()) {
            for (String store : storeMatcher.group(1).split(",\\s*")) {
                if (!store.isBlank()) {
                    stores.add(store.strip());
                }
            }
        }
        var repartitions = new TreeSet<String>();
        Matcher topicMatcher = Pattern.compile("([\\w.-]+-repartition)").matcher(description);
        while (topicMatcher.find()) {
            repartitions.add(topicMatcher.group(1));
        }

        assertThat(stores).containsExactly("adminadd-suppress-store", "anon-suppress-store", "concurrent-recent-store", "concurrent-suppress-store",
                "create-person-store", "create-suppress-store",
                "gap-state-store", "gap-suppress-store", "ghost-pending-store", "ghost-suppress-store", "hygiene-suppress-store", "hygiene-tokens-store", "lag-state-store", "lag-suppress-store", "leaked-discovery-store", "leaked-suppress-store", "multiident-owners-store", "multiident-suppress-store", "newasn-history-store",
                "newasn-suppress-store", "newcountry-history-store", "newcountry-suppress-store", "offnet-pending-store", "offnet-suppress-store", "permgrant-suppress-store",
                "postrevoke-suppress-store", "prbypass-history-store", "prbypass-suppress-store", "sensitive-suppress-store",
                "svcconn-pipelines-store", "svcconn-suppress-store", "tamper-suppress-store", "tokens-store", "travel-position-store",
                "travel-suppress-store", "useragent-client-store", "useragent-suppress-store", "users-global-store");
        assertThat(repartitions).containsExactly("adminadd-by-user-repartition", "create-by-person-repartition",
                "leaked-to-every-partition-repartition", "multiident-by-source-repartition",
                "permgrant-by-user-repartition", "prbypass-by-user-repartition", "sensitive-by-user-repartition",
                "svcconn-by-connection-repartition", "tamper-by-user-repartition", "token-use-by-owner-repartition",
                "token-use-by-token-repartition");
        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-");
    }

    /**
     * A task reads one partition of every topic of its sub-topology, and Kafka Streams spends time on every empty one
     * each time it picks a record; a merge across branches (e.g. of all findings before one sink) silently joins
     * sub-topologies. Only the token uses' sub-topology reads several topics, each for a reason.
     */
    @Test
    void shouldReadSeveralTopicsOnlyWhereTokenUsesMeetTheInventory() {
        TopologyDescription description = DetectionTopology.build(new DetectionTopology.Settings(
                ip -> new NetworkContext(null, NetworkClass.MISSING, null, null, null, null, null, null, null, null),
                RuleBook.load(Optional.empty()), "", Clock.systemUTC())).describe();

        List<Set<String>> multiTopic = description.subtopologies().stream()
                .map(sub -> sub.nodes().stream().filter(TopologyDescription.Source.class::isInstance)
                        .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream())
                        .collect(Collectors.toCollection(TreeSet::new)))
                .filter(topics -> topics.size() > 1)
                .collect(Collectors.toList());

        assertThat(multiTopic).containsExactly(new TreeSet<>(Set.of("token-use-by-token-repartition", "patrol.tokens",
                "leaked-to-every-partition-repartition", "patrol.tokens.lifecycle", "sensitive-by-user-repartition")));
        assertThat(description.subtopologies()).hasSizeGreaterThan(10);
    }
}
