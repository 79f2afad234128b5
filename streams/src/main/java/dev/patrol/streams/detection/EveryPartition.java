package dev.patrol.streams.detection;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Sends each record to every partition of a repartition topic: how a rare record (a leak discovery) reaches every
 * task of a sub-topology whose frequent records (token uses) it cannot be keyed like.
 */
final class EveryPartition<K, V> implements StreamPartitioner<K, V> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, K key, V value, int numPartitions) {
        return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
    }
}
