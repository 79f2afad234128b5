package dev.patrol.kafka.embedded.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback port checks for the embedded broker, which must know its ports before it binds them. */
public final class Ports {

    private Ports() {
    }

    /**
     * A port that was free a moment ago. Kafka cannot bind the controller listener to port 0 because the static
     * voter set must name the port, and the client port is advertised to clients; so the port is chosen here and a
     * (rare) race with another process shows up as a bind failure that the caller retries.
     */
    public static int free() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(loopback(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + BrokerProperties.HOST, e);
        }
    }

    /** Whether something (another broker, another test) already listens on this loopback port. */
    public static boolean inUse(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // Same reuse setting as Kafka's acceptor, so a port in TIME_WAIT after a broker restart counts as free.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName(BrokerProperties.HOST);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
