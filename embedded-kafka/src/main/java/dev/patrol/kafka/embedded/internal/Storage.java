package dev.patrol.kafka.embedded.internal;

import dev.patrol.kafka.embedded.EmbeddedKafkaException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/**
 * Formats a KRaft log directory once and keeps its cluster id. A KRaft broker refuses to start on an unformatted
 * directory, and refuses a directory formatted for another cluster id; reading the id back from
 * {@code meta.properties} makes a restart on the same data dir resume with its topics and records.
 */
public final class Storage {

    private static final String META_PROPERTIES = "meta.properties";

    private Storage() {
    }

    /** The cluster id the log directory was formatted with, or a new random one for a fresh directory. */
    public static String clusterId(Path logDir) {
        Path meta = logDir.resolve(META_PROPERTIES);
        if (!Files.exists(meta)) {
            return Uuid.randomUuid().toString();
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            throw new EmbeddedKafkaException("cannot read " + meta + ": " + Messages.describe(e), e);
        }
        String id = props.getProperty("cluster.id");
        if (id == null || id.isBlank()) {
            throw new EmbeddedKafkaException(meta + " has no cluster.id; delete " + logDir + " to start afresh");
        }
        return id;
    }

    /** Whether the log directory has been formatted already. */
    public static boolean formatted(Path logDir) {
        return Files.exists(logDir.resolve(META_PROPERTIES));
    }

    /**
     * Writes the broker config to {@code configFile} (StorageTool reads a file, not Properties) and formats the log
     * directory unless it already is ({@code --ignore-formatted}, so a restart keeps the data).
     */
    public static void format(Properties config, Path configFile, String clusterId) {
        try (Writer out = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
            config.store(out, "written by patrol embedded-kafka at every start; edits are overwritten");
        } catch (IOException e) {
            throw new EmbeddedKafkaException("cannot write " + configFile + ": " + Messages.describe(e), e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            // execute() returns a code instead of calling System.exit, unlike StorageTool.main.
            code = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", configFile.toString(),
                "--ignore-formatted"}, print);
        } catch (Exception e) {
            throw new EmbeddedKafkaException("cannot format Kafka storage in " + configFile.getParent() + ": "
                    + Messages.oneLine(e), e);
        }
        if (code != 0) {
            throw new EmbeddedKafkaException("cannot format Kafka storage in " + configFile.getParent() + ": "
                    + Messages.oneLine(output.toString(StandardCharsets.UTF_8)));
        }
    }
}
