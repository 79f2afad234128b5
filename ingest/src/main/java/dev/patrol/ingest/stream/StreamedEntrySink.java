package dev.patrol.ingest.stream;

/**
 * Where the {@link AuditStreamReceiver} hands what an audit stream pushed.
 *
 * <p>The receiver calls it synchronously, while the sender waits for its HTTP answer, and never from two threads at
 * once (so a sink may use one transactional Kafka producer). Return only once the delivery is durable: the receiver
 * answers 200 on return, and the sender then forgets the events.
 */
@FunctionalInterface
public interface StreamedEntrySink {

    /**
     * Stores one delivery.
     *
     * @throws Exception if it could not be stored; the receiver then answers 503 so the sender retries the whole
     *                   body later (entries may therefore arrive twice: de-duplicate on the entry {@code id})
     */
    void accept(StreamDelivery delivery) throws Exception;
}
