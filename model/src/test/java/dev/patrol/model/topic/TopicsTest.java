package dev.patrol.model.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void shouldHaveUniqueNamesAndAnOwnerCreatingEachTopic() {
        var names = new HashSet<String>();

        Topics.all().forEach(t -> assertThat(names.add(t.name())).as(t.name()).isTrue());

        assertThat(Topics.ownedBy(Owner.INGEST)).contains(Topics.AUDIT, Topics.AUDIT_RAW, Topics.TOKENS,
                Topics.DEAD_LETTERS);
        assertThat(Topics.ownedBy(Owner.STREAMS)).containsExactly(Topics.FINDINGS, Topics.DEAD_LETTERS);
    }

    @Test
    void shouldCompactTablesAndExpireStreams() {
        assertThat(Topics.TOKENS.spec().configs()).containsEntry("cleanup.policy", "compact").doesNotContainKey("retention.ms");
        assertThat(Topics.AUDIT.spec().configs()).containsEntry("cleanup.policy", "delete").containsKey("retention.ms");
    }

    @Test
    void shouldPrefixNameWhenAskedForAPrefixedTopic() {
        assertThat(Topics.AUDIT.withPrefix("it1.").name()).isEqualTo("it1.patrol.audit");
    }
}
