package dev.patrol.kafka.embedded.internal;

import java.nio.file.Path;
import java.util.Properties;

/**
 * The configuration of a single-node KRaft broker: one process that is both the broker and the only controller.
 * Kafka's defaults assume a cluster of at least three brokers; each override below says what breaks without it.
 */
public final class BrokerProperties {

    /** The one node's id; also its voter id in {@code controller.quorum.voters}. */
    public static final int NODE_ID = 1;
    public static final String HOST = "127.0.0.1";

    private BrokerProperties() {
    }

    /**
     * @param logDir         where the partitions and the metadata log live
     * @param port           the client (PLAINTEXT) listener's port, already chosen (never 0: clients are told this
     *                       port through {@code advertised.listeners} and the metadata log)
     * @param controllerPort the controller listener's port, already chosen (the static voter set names it)
     */
    public static Properties of(Path logDir, int port, int controllerPort) {
        Properties p = new Properties();

        // Combined mode: one JVM is broker and controller, as in Kafka's own quickstart.
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        // A static single-voter quorum needs no --standalone/--initial-controllers at format time and elects itself.
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        // Only the client listener is advertised; loopback so nothing outside this machine can reach the broker.
        p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toAbsolutePath().toString());

        // Single-node overrides. The internal topics default to replication factor 3 (and min ISR 2), which one
        // broker can never satisfy:
        // - without this, consumer groups fail with INVALID_REPLICATION_FACTOR when __consumer_offsets is created;
        p.setProperty("offsets.topic.replication.factor", "1");
        // - without these two, transactions (so Streams exactly_once_v2) time out awaiting InitProducerId, because
        //   __transaction_state cannot be created or cannot reach its min ISR;
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        // - without these two, the share-group coordinator's __share_group_state topic cannot be created;
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // - topics created with the broker default replication factor (the services' TopicCreator) need 1, and
        //   acks=all writes need a min ISR one replica can meet.
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        // A new consumer group otherwise waits 3 s for more members before the first rebalance: pure delay for
        // tests and for a local run that starts every service at once.
        p.setProperty("group.initial.rebalance.delay.ms", "0");

        // The services create their topics explicitly with their partitions and configs (TopicCreator); an
        // auto-created topic would hide a missing creation with the wrong partition count.
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "1");
        return p;
    }
}
