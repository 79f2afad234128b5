package dev.patrol.kafka.embedded.internal;

import dev.patrol.kafka.embedded.EmbeddedKafkaException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on the data dir, held for the broker's lifetime. Kafka locks its log directory only when the
 * broker half starts, after the controller half has already opened the metadata log; a second start on a data dir in
 * use would run a second controller on a live metadata log before failing. This lock refuses it up front, whether the
 * other broker is in this JVM or in another process (a second {@code patrol run}).
 */
public final class DataDirLock implements AutoCloseable {

    private static final String FILE = "embedded-kafka.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new EmbeddedKafkaException("cannot open " + file + ": " + Messages.describe(e), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM
        } catch (IOException e) {
            closeQuietly(channel);
            throw new EmbeddedKafkaException("cannot lock " + file + ": " + Messages.describe(e), e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new EmbeddedKafkaException("data dir " + dataDir + " is in use by another embedded Kafka broker");
        }
        return new DataDirLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it anyway.
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing left to do: the lock goes with the process at the latest.
        }
    }
}
