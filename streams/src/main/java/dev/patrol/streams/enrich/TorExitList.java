package dev.patrol.streams.enrich;

import dev.patrol.model.config.ConfigException;
import dev.patrol.model.net.IpAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured Tor exit list, re-read when the file changes. Accepts three formats, also mixed:
 * <ul>
 *   <li>one address per line, with {@code #} comments and blank lines;</li>
 *   <li>the Tor Project's bulk exit list ({@code https://check.torproject.org/torbulkexitlist}: the same, one
 *       address per line);</li>
 *   <li>the exit-addresses format ({@code https://check.torproject.org/exit-addresses}): the address of each
 *       {@code ExitAddress <ip> <date> <time>} line; {@code ExitNode}, {@code Published} and {@code LastStatus}
 *       lines are skipped.</li>
 * </ul>
 * Lines that fit none of these are counted and reported once per load, without their content.
 */
final class TorExitList {

    private static final Logger LOG = LoggerFactory.getLogger(TorExitList.class);
    // Addresses are ASCII; Latin-1 decodes any byte, so a stray non-UTF-8 comment cannot make the list unreadable.
    private static final Charset CHARSET = StandardCharsets.ISO_8859_1;
    private static final Set<String> SKIPPED_KEYWORDS = Set.of("ExitNode", "Published", "LastStatus");

    /** The addresses in a list, and how many lines were not understood (the first at {@code firstMalformedLine}). */
    record Parsed(Set<InetAddress> addresses, int malformedLines, int firstMalformedLine) {
        Parsed {
            addresses = Set.copyOf(addresses);
        }
    }

    private final Path path;
    private final ReloadSchedule schedule;
    private volatile Loaded loaded;
    // Touched only under this object's lock (checkForChanges).
    private FileSignature rejected;
    private boolean unreadableLogged;

    private record Loaded(Set<InetAddress> addresses, FileSignature signature) {
    }

    private TorExitList(Path path, ReloadSchedule schedule, Loaded loaded) {
        this.path = path;
        this.schedule = schedule;
        this.loaded = loaded;
    }

    /**
     * Loads the list at {@code path}.
     *
     * @throws ConfigException when the file cannot be read
     */
    static TorExitList load(Path path, Duration checkInterval, Clock clock) {
        try {
            FileSignature signature = FileSignature.of(path);
            Parsed parsed = parse(Files.readAllLines(path, CHARSET));
            logLoaded(path, parsed);
            return new TorExitList(path, new ReloadSchedule(clock, checkInterval),
                    new Loaded(parsed.addresses(), signature));
        } catch (IOException e) {
            throw new ConfigException("config key network.torExitListFile: cannot read " + path + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    static Parsed parse(List<String> lines) {
        Set<InetAddress> addresses = new HashSet<>();
        int malformed = 0;
        int firstMalformed = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (content.isEmpty()) {
                continue;
            }
            String[] fields = content.split("\\s+");
            String candidate;
            if (SKIPPED_KEYWORDS.contains(fields[0])) {
                continue;
            } else if (fields[0].equals("ExitAddress")) {
                candidate = fields.length > 1 ? fields[1] : "";
            } else if (fields.length == 1) {
                candidate = fields[0];
            } else {
                candidate = "";
            }
            Optional<InetAddress> address = IpAddresses.parse(candidate);
            if (address.isPresent()) {
                addresses.add(address.get());
            } else {
                malformed++;
                if (firstMalformed == 0) {
                    firstMalformed = i + 1;
                }
            }
        }
        return new Parsed(addresses, malformed, firstMalformed);
    }

    boolean contains(InetAddress address) {
        if (schedule.claimDueCheck()) {
            try {
                checkForChanges();
            } catch (RuntimeException e) {
                LOG.warn("tor exit list reload check failed; keeping the loaded list error={}", e.toString());
            }
        }
        return loaded.addresses().contains(address);
    }

    int size() {
        return loaded.addresses().size();
    }

    /** Re-reads the file if it changed; an unreadable file keeps the loaded list (one WARN per bad version). */
    synchronized void checkForChanges() {
        FileSignature now;
        try {
            now = FileSignature.of(path);
        } catch (IOException e) {
            if (!unreadableLogged) {
                unreadableLogged = true;
                LOG.warn("tor exit list cannot be read; keeping the loaded list path={} error={}", path,
                        e.getClass().getSimpleName());
            }
            return;
        }
        unreadableLogged = false;
        if (now.sameAs(loaded.signature()) || now.sameAs(rejected)) {
            return;
        }
        try {
            Parsed parsed = parse(Files.readAllLines(path, CHARSET));
            loaded = new Loaded(parsed.addresses(), now);
            rejected = null;
            logLoaded(path, parsed);
        } catch (IOException e) {
            rejected = now;
            LOG.warn("tor exit list changed but cannot be read; keeping the loaded list path={} error={}", path,
                    e.getClass().getSimpleName());
        }
    }

    private static void logLoaded(Path path, Parsed parsed) {
        LOG.info("tor exit list loaded path={} addresses={} malformedLines={}", path, parsed.addresses().size(),
                parsed.malformedLines());
        if (parsed.malformedLines() > 0) {
            LOG.warn("tor exit list has lines that are neither addresses nor ExitAddress lines; they are ignored "
                    + "path={} count={} firstLine={}", path, parsed.malformedLines(), parsed.firstMalformedLine());
        }
        if (parsed.addresses().isEmpty()) {
            LOG.warn("tor exit list is empty (a failed download?); no address will be classified TOR from it "
                    + "path={}", path);
        }
    }
}
