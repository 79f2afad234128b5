package dev.patrol.bench;

import dev.patrol.kafka.embedded.EmbeddedKafkaBroker;
import dev.patrol.model.config.PatrolConfig;
import dev.patrol.streams.StreamsService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * Entry point of the bench's helper processes: {@code broker DATA_DIR} (the embedded KRaft broker) or
 * {@code streams} (the streams service, configured from {@code PATROL_*} variables). Prints {@code READY <detail>} on
 * stdout once up, then runs until stdin closes, which is how the bench stops it, or how it notices the bench died.
 */
public final class ChildMain {

    static final String READY = "READY ";

    private ChildMain() {
    }

    public static void main(String[] args) throws IOException {
        switch (args.length == 0 ? "" : args[0]) {
            case "broker" -> {
                try (var broker = EmbeddedKafkaBroker.start(Path.of(args[1]), 0)) {
                    ready(broker.bootstrapServers());
                }
            }
            case "streams" -> {
                PatrolConfig config = PatrolConfig.load(Optional.empty(), System.getenv());
                try (var streams = new StreamsService(config, Clock.systemUTC()).start()) {
                    ready(config.streams().applicationId());
                }
            }
            default -> throw new IllegalArgumentException("usage: ChildMain broker DATA_DIR | streams");
        }
    }

    private static void ready(String detail) throws IOException {
        System.out.println(READY + detail);
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for EOF
        }
    }
}
