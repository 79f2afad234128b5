package dev.patrol.alerts.delivery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the service's own consumer group ({@code alerts.consumerGroup}) at the offsets <em>every</em> sink has
 * passed: per findings partition, the smallest offset the sinks' groups ({@code <group>.<sink>}) have committed.
 * Nobody consumes in that group; it is the "every sink has it or parked it" mark.
 *
 * <p>It serves two ends: operators watch one lag for "alerts is behind somewhere", and a sink added later starts
 * from that mark instead of replaying the findings topic's whole retention into a new Slack channel. (On the first
 * start of a new deployment there is no mark, and every sink starts from the earliest finding.)
 */
public final class LaneOffsets {

    private static final Logger LOG = LoggerFactory.getLogger(LaneOffsets.class);
    private static final long ADMIN_TIMEOUT_SECONDS = 10;

    private final Admin admin;
    private final String mainGroup;
    private final List<String> laneGroups;
    private final String topic;
    private boolean warned;

    public LaneOffsets(Admin admin, String mainGroup, List<String> laneGroups, String topic) {
        this.admin = admin;
        this.mainGroup = mainGroup;
        this.laneGroups = List.copyOf(laneGroups);
        this.topic = topic;
    }

    /**
     * Before the lanes start: a lane group without offsets for a partition starts where the main group stands.
     * Upgrading from the single-consumer alerts service keeps its progress the same way.
     */
    public void initialiseNewLanes() {
        Map<TopicPartition, Long> main = committed(mainGroup);
        if (main.isEmpty()) {
            return;
        }
        for (String lane : laneGroups) {
            Map<TopicPartition, Long> have = committed(lane);
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            main.forEach((partition, offset) -> {
                if (!have.containsKey(partition)) {
                    start.put(partition, new OffsetAndMetadata(offset));
                }
            });
            if (!start.isEmpty()) {
                alter(lane, start);
                LOG.info("sink starts where every sink had got to group={} partitions={}", lane, start.size());
            }
        }
    }

    /** Moves the main group forward to the minimum over the lanes; never backward. */
    public void advanceMain() {
        try {
            Map<TopicPartition, Long> min = null;
            for (String lane : laneGroups) {
                Map<TopicPartition, Long> committed = committed(lane);
                if (min == null) {
                    min = new HashMap<>(committed);
                } else {
                    // A partition counts only when every lane has committed on it.
                    min.keySet().retainAll(committed.keySet());
                    min.replaceAll((partition, offset) -> Math.min(offset, committed.get(partition)));
                }
            }
            if (min == null || min.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> main = committed(mainGroup);
            Map<TopicPartition, OffsetAndMetadata> forward = new HashMap<>();
            min.forEach((partition, offset) -> {
                if (offset > main.getOrDefault(partition, -1L)) {
                    forward.put(partition, new OffsetAndMetadata(offset));
                }
            });
            if (!forward.isEmpty()) {
                alter(mainGroup, forward);
            }
            warned = false;
        } catch (StoppedWhileWaiting e) {
            // The service is stopping and interrupted this round: the lanes' own commits are what counts, and the
            // next start moves the mark. Not worth a warning on every clean shutdown.
            LOG.debug("alerts consumer group not moved forward: stopping");
        } catch (RuntimeException e) {
            // The mark is bookkeeping: delivery goes on without it, and the next round tries again.
            if (!warned) {
                LOG.warn("cannot move the alerts consumer group forward group={} error={}", mainGroup, e.toString());
                warned = true;
            }
        }
    }

    private Map<TopicPartition, Long> committed(String group) {
        Map<TopicPartition, OffsetAndMetadata> offsets = await(admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata());
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((partition, offset) -> {
            if (offset != null && partition.topic().equals(topic)) {
                out.put(partition, offset.offset());
            }
        });
        return out;
    }

    private void alter(String group, Map<TopicPartition, OffsetAndMetadata> offsets) {
        await(admin.alterConsumerGroupOffsets(group, offsets).all());
    }

    private static <T> T await(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + ADMIN_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoppedWhileWaiting();
        }
    }

    /** The waiting thread was interrupted, which here means the service is stopping. */
    private static final class StoppedWhileWaiting extends RuntimeException {
        StoppedWhileWaiting() {
            super("interrupted", null, false, false);
        }
    }
}
