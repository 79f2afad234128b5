package dev.patrol.kafka.embedded;

import dev.patrol.kafka.embedded.internal.BrokerLogLevels;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Answers whether a Kafka broker already answers at some bootstrap servers, so the local run can use a broker that
 * is running instead of starting its own on the same port.
 */
public final class KafkaProbe {

    private KafkaProbe() {
    }

    /**
     * Answers whether some Kafka broker already answers at bootstrapServers within timeout (AdminClient
     * describeCluster), without logging noise.
     *
     * <p>A plain TCP connect comes first: when nothing listens, as on most first runs, no AdminClient is created, so
     * none of its "Connection to node -1 could not be established" warnings are logged. Only when something accepts
     * a connection does an AdminClient ask it to describe the cluster, which tells a Kafka broker from any other
     * server on that port.
     */
    public static boolean answers(String bootstrapServers, Duration timeout) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!anyAcceptsConnections(bootstrapServers, timeout)) {
            return false;
        }
        long remainingMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, remainingMillis);
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "patrol-kafka-probe",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, (long) timeoutMillis,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, (long) timeoutMillis,
                // One try: a retried describeCluster against a non-Kafka server would only repeat the same warning.
                AdminClientConfig.RETRIES_CONFIG, 0);
        // The AdminClient's config dump and app-info lines go through the loggers the broker quiets.
        BrokerLogLevels.quietUnlessConfigured();
        Admin admin;
        try {
            admin = Admin.create(config);
        } catch (RuntimeException e) {
            return false; // e.g. an unresolvable bootstrap address
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMillis))
                    .clusterId().get(remainingMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            // Zero: do not wait for a describeCluster that is still trying; the answer is already "no".
            admin.close(Duration.ZERO);
        }
    }

    private static boolean anyAcceptsConnections(String bootstrapServers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String server : bootstrapServers.split(",")) {
            String hostPort = server.strip();
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                continue;
            }
            String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMillis <= 0) {
                return false;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, remainingMillis));
                return true;
            } catch (IOException | IllegalArgumentException e) {
                // Not listening, unresolvable or an invalid port: try the next server.
            }
        }
        return false;
    }
}
