package dev.patrol.streams.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.db.NoCache;
import com.maxmind.db.NodeCache;
import com.maxmind.db.Reader;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.AddressNotFoundException;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.AnonymousIpResponse;
import com.maxmind.geoip2.model.AsnResponse;
import com.maxmind.geoip2.model.CityResponse;
import com.maxmind.geoip2.model.IspResponse;
import com.maxmind.geoip2.record.Country;
import com.maxmind.geoip2.record.Location;
import dev.patrol.model.config.ConfigException;
import dev.patrol.model.config.ConfigSource;
import dev.patrol.model.config.PatrolConfig.GeoIpSettings;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MaxMind adapter: GeoIP2/GeoLite2 City and ASN, plus Anonymous-IP and ISP when configured, read through
 * {@link DatabaseReader} from memory-mapped files.
 *
 * <p><b>Data.</b> Configured files are used as geoipupdate maintains them. A City or ASN database that is not
 * configured falls back to the GeoLite2 data bundled from {@code org.elasticsearch:geolite2-databases} (November 2019;
 * "This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com", CC BY-SA 4.0):
 * real, but years out of date, so it is announced at INFO on start.
 *
 * <p><b>Reloading.</b> Every {@code reloadCheckInterval} the first lookup after the interval checks each configured
 * file's size, modification time and inode (or call {@link #checkForChanges()}). A changed file is opened and checked
 * before it replaces the loaded one; lookups already running finish on the old reader, which is closed when the last
 * of them is done. A file that cannot be used is logged once at WARN and the previous data stays in use. Replace
 * files by renaming a complete new file over them, as geoipupdate does: a file rewritten in place changes under the
 * memory mapping and gives wrong answers until the next check notices the change.
 *
 * <p><b>Caching.</b> With {@code geoip.cacheSize} above 0, the merged answer for an address is kept
 * ({@link AddressCache}, least recently used out first), so a repeated address costs one map lookup instead of a search
 * of every database; the cache is emptied whenever a file is swapped in, and an answer from the replaced file is
 * never stored after that. Each database reader also keeps that many decoded records ({@code CHMCache}), which
 * addresses missing from the first cache still share.
 *
 * <p><b>IPv6.</b> An IPv6 address is only looked up in databases that contain IPv6 data: an IPv4-only database would
 * silently answer with the record for the address's first 32 bits.
 *
 * <p>Thread-safe; {@link #lookup} never throws.
 */
public final class MaxMindGeoIp implements GeoIp {

    private static final Logger LOG = LoggerFactory.getLogger(MaxMindGeoIp.class);

    /** The database files this adapter reads, with the config key that names each. */
    enum Kind {
        CITY("geoip.cityDatabase", "a City database (GeoLite2-City, GeoIP2-City or GeoIP2-Enterprise)",
                BundledGeoLite2.CITY),
        ASN("geoip.asnDatabase", "an ASN database (GeoLite2-ASN)", BundledGeoLite2.ASN),
        ANONYMOUS_IP("geoip.anonymousIpDatabase", "an Anonymous-IP database (GeoIP2-Anonymous-IP)", null),
        ISP("geoip.ispDatabase", "an ISP database (GeoIP2-ISP)", null);

        final String configKey;
        final String expected;
        final String bundledResource;

        Kind(String configKey, String expected, String bundledResource) {
            this.configKey = configKey;
            this.expected = expected;
            this.bundledResource = bundledResource;
        }

        /** One lookup of this kind; also run once at open, where a database of the wrong type fails. */
        Optional<?> find(DatabaseReader reader, InetAddress address) throws IOException, GeoIp2Exception {
            return switch (this) {
                case CITY -> reader.tryCity(address);
                case ASN -> reader.tryAsn(address);
                case ANONYMOUS_IP -> reader.tryAnonymousIp(address);
                case ISP -> reader.tryIsp(address);
            };
        }
    }

    private final List<Slot> slots;
    private final Slot city;
    private final Slot asn;
    private final Slot anonymousIp;
    private final Slot isp;
    private final int cacheSize;
    /** Null when {@code cacheSize} is 0. */
    private final AddressCache addressCache;
    private final ReloadSchedule schedule;
    private volatile boolean closed;

    private final LongAdder lookups = new LongAdder();
    private final LongAdder addressHits = new LongAdder();
    private final LongAdder recordRequests = new LongAdder();
    private final LongAdder recordMisses = new LongAdder();
    private final LongAdder reloads = new LongAdder();
    private final LongAdder reloadFailures = new LongAdder();

    private MaxMindGeoIp(GeoIpSettings settings, Clock clock) {
        this.cacheSize = settings.cacheSize();
        this.addressCache = cacheSize == 0 ? null : new AddressCache(cacheSize);
        this.schedule = new ReloadSchedule(clock, settings.reloadCheckInterval());
        List<Slot> opened = new ArrayList<>();
        try {
            city = slot(Kind.CITY, settings.cityDatabase(), opened);
            asn = slot(Kind.ASN, settings.asnDatabase(), opened);
            anonymousIp = slot(Kind.ANONYMOUS_IP, settings.anonymousIpDatabase(), opened);
            isp = slot(Kind.ISP, settings.ispDatabase(), opened);
        } catch (RuntimeException e) {
            opened.forEach(Slot::close);
            throw e;
        }
        this.slots = List.copyOf(opened);
        List<String> bundled = slots.stream()
                .filter(s -> s.path == null)
                .map(s -> s.kind.configKey + " (" + ConfigSource.envName(s.kind.configKey) + ")")
                .toList();
        if (!bundled.isEmpty()) {
            LOG.info("geoip: using the GeoLite2 data bundled with PATrol, from November 2019: addresses have moved "
                    + "since. For current data set {} to .mmdb files kept fresh by MaxMind's geoipupdate. {}",
                    String.join(" and ", bundled), BundledGeoLite2.ATTRIBUTION);
        }
    }

    /**
     * Opens the configured databases, or the bundled GeoLite2 City/ASN data for those not configured.
     *
     * @throws ConfigException naming the config key when a configured file is unreadable, not a MaxMind database or
     *                         of the wrong type (e.g. an ASN file as {@code geoip.cityDatabase})
     */
    public static MaxMindGeoIp open(GeoIpSettings settings) {
        return open(settings, Clock.systemUTC());
    }

    /** As {@link #open(GeoIpSettings)}, with the clock that paces reload checks (tests). */
    static MaxMindGeoIp open(GeoIpSettings settings, Clock clock) {
        return new MaxMindGeoIp(settings, clock);
    }

    private Slot slot(Kind kind, Optional<Path> path, List<Slot> opened) {
        Slot slot;
        if (path.isPresent()) {
            slot = new Slot(kind, path.get(), openFile(kind, path.get()));
        } else if (kind.bundledResource != null) {
            slot = new Slot(kind, null, openBundled(kind));
        } else {
            return null;
        }
        opened.add(slot);
        return slot;
    }

    private OpenDatabase openFile(Kind kind, Path path) {
        FileSignature signature;
        try {
            signature = FileSignature.of(path);
        } catch (IOException e) {
            throw new ConfigException("config key " + kind.configKey + ": cannot read " + path + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        return open(kind, path, path.toString(), signature);
    }

    private OpenDatabase openBundled(Kind kind) {
        return open(kind, BundledGeoLite2.file(kind.bundledResource), "bundled " + kind.bundledResource, null);
    }

    /** Opens and checks one file; the checks are the same at start and on reload. */
    private OpenDatabase open(Kind kind, Path file, String source, FileSignature signature) {
        long started = System.nanoTime();
        DatabaseReader reader;
        try {
            reader = new DatabaseReader.Builder(file.toFile())
                    .fileMode(Reader.FileMode.MEMORY_MAPPED)
                    .withCache(new CountingCache(cacheSize == 0 ? NoCache.getInstance() : new CHMCache(cacheSize)))
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("config key " + kind.configKey + ": " + source
                    + " is not a readable MaxMind database (" + oneLine(e) + ")");
        }
        String type = reader.metadata().databaseType();
        try {
            // DatabaseReader decides by type which lookups a file supports; ask it rather than guess from the name.
            kind.find(reader, InetAddress.getByAddress(new byte[] {1, 1, 1, 1}));
        } catch (UnsupportedOperationException e) {
            closeQuietly(reader);
            throw new ConfigException("config key " + kind.configKey + ": " + source + " is a " + type
                    + " database; it must be " + kind.expected);
        } catch (IOException | GeoIp2Exception | RuntimeException e) {
            closeQuietly(reader);
            throw new ConfigException("config key " + kind.configKey + ": " + source
                    + " is not a readable MaxMind database (" + oneLine(e) + ")");
        }
        OpenDatabase db = new OpenDatabase(reader, source, signature);
        LOG.info("geoip database opened kind={} source={} type={} built={} ipVersion={} cacheSize={} millis={}",
                kind, source, type, reader.metadata().buildTime(),
                reader.metadata().ipVersion(), cacheSize, (System.nanoTime() - started) / 1_000_000);
        return db;
    }

    @Override
    public GeoIpResult lookup(InetAddress address) {
        if (address == null || closed) {
            return GeoIpResult.EMPTY;
        }
        lookups.increment();
        if (schedule.claimDueCheck()) {
            checkForChangesSafely();
        }
        if (addressCache == null) {
            return search(address);
        }
        // Read before the search: a reload during it makes the answer too old to keep.
        long generation = addressCache.generation();
        GeoIpResult cached = addressCache.get(address);
        if (cached != null) {
            addressHits.increment();
            return cached;
        }
        GeoIpResult result = search(address);
        addressCache.put(address, result, generation);
        return result;
    }

    /** Every configured database, merged. */
    private GeoIpResult search(InetAddress address) {
        CityResponse cityResponse = find(city, address, CityResponse.class);
        AsnResponse asnResponse = find(asn, address, AsnResponse.class);
        IspResponse ispResponse = find(isp, address, IspResponse.class);
        AnonymousIpResponse anonymous = find(anonymousIp, address, AnonymousIpResponse.class);
        return merge(cityResponse, asnResponse, ispResponse, anonymous);
    }

    private <T> T find(Slot slot, InetAddress address, Class<T> type) {
        if (slot == null) {
            return null;
        }
        while (true) {
            OpenDatabase db = slot.current.get();
            if (db == null) {
                return null; // closed
            }
            if (!db.acquire()) {
                continue; // swapped and closed meanwhile: the slot already holds its successor
            }
            try {
                if (address instanceof Inet6Address && !db.ipv6) {
                    return null; // never answer for an IPv6 address from IPv4-only data
                }
                return type.cast(slot.kind.find(db.reader, address).orElse(null));
            } catch (AddressNotFoundException e) {
                return null;
            } catch (IOException | GeoIp2Exception | RuntimeException | InternalError e) {
                // InternalError is how the JVM reports reading a memory-mapped file that was truncated in place.
                if (db.failureLogged.compareAndSet(false, true)) {
                    LOG.warn("geoip lookup failed; such lookups give no data until the file is replaced kind={} "
                            + "source={} error={}", slot.kind, db.source, oneLine(e));
                }
                LOG.debug("geoip lookup failed kind={} address={}", slot.kind, address.getHostAddress(), e);
                return null;
            } finally {
                db.release();
            }
        }
    }

    private static GeoIpResult merge(CityResponse city, AsnResponse asn, IspResponse isp,
                                     AnonymousIpResponse anonymous) {
        String countryIso = null;
        String countryName = null;
        String cityName = null;
        Double latitude = null;
        Double longitude = null;
        Integer accuracy = null;
        if (city != null) {
            Country country = city.country();
            if (country == null || country.isoCode() == null) {
                country = city.registeredCountry(); // better than nothing for country-level detections
            }
            if (country != null) {
                countryIso = country.isoCode();
                countryName = country.name();
            }
            cityName = city.city() == null ? null : city.city().name();
            Location location = city.location();
            if (location != null) {
                latitude = location.latitude();
                longitude = location.longitude();
                accuracy = location.accuracyRadius();
            }
        }
        Long asNumber = null;
        String asOrganization = null;
        // The commercial ISP data is the finer source where both are configured.
        if (isp != null && isp.autonomousSystemNumber() != null) {
            asNumber = isp.autonomousSystemNumber();
            asOrganization = isp.autonomousSystemOrganization();
        } else if (asn != null) {
            asNumber = asn.autonomousSystemNumber();
            asOrganization = asn.autonomousSystemOrganization();
        }
        boolean vpn = anonymous != null && anonymous.isAnonymousVpn();
        boolean hosting = anonymous != null && anonymous.isHostingProvider();
        boolean proxy = anonymous != null && anonymous.isPublicProxy();
        boolean tor = anonymous != null && anonymous.isTorExitNode();
        boolean residential = anonymous != null && anonymous.isResidentialProxy();
        GeoIpResult result = new GeoIpResult(countryIso, countryName, cityName, latitude, longitude, accuracy,
                asNumber, asOrganization, vpn, hosting, proxy, tor, residential);
        return result.isEmpty() ? GeoIpResult.EMPTY : result;
    }

    /**
     * Checks every configured file now and swaps in those that changed and can be used. Lookups call this on their
     * own every {@code reloadCheckInterval}; a caller may also run it on a timer.
     */
    public synchronized void checkForChanges() {
        for (Slot slot : slots) {
            if (closed) {
                return;
            }
            if (slot.path != null) {
                reloadIfChanged(slot);
            }
        }
    }

    private void checkForChangesSafely() {
        try {
            checkForChanges();
        } catch (RuntimeException e) {
            LOG.warn("geoip reload check failed; keeping the loaded data error={}", oneLine(e));
        }
    }

    private void reloadIfChanged(Slot slot) {
        FileSignature now;
        try {
            now = FileSignature.of(slot.path);
            slot.unreadableLogged = false;
        } catch (IOException e) {
            if (!slot.unreadableLogged) {
                slot.unreadableLogged = true;
                LOG.warn("geoip database file cannot be read; keeping the loaded data kind={} path={} error={}",
                        slot.kind, slot.path, e.getClass().getSimpleName());
            }
            return;
        }
        OpenDatabase current = slot.current.get();
        if (current == null || now.sameAs(current.signature) || now.sameAs(slot.rejected)) {
            return;
        }
        OpenDatabase fresh;
        try {
            fresh = open(slot.kind, slot.path, slot.path.toString(), now);
        } catch (ConfigException e) {
            slot.rejected = now; // one WARN per bad version of the file, not one per check
            reloadFailures.increment();
            LOG.warn("geoip database changed but cannot be used; keeping the previously loaded data kind={} "
                    + "reason={}", slot.kind, e.getMessage());
            return;
        }
        slot.rejected = null;
        slot.current.set(fresh);
        if (addressCache != null) {
            addressCache.clear(); // after the swap: a lookup that could still read the old file cannot store it
        }
        current.release(); // closes once the lookups still using it are done
        reloads.increment();
        LOG.info("geoip database reloaded kind={} path={}", slot.kind, slot.path);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        slots.forEach(Slot::close);
    }

    /** Lookups made, whether or not the data knew the address. */
    public long lookups() {
        return lookups.sum();
    }

    /**
     * Lookups answered from the address cache without reading a database: {@code cacheHits() / lookups()} is the hit
     * ratio (0 with {@code cacheSize} 0).
     */
    public long cacheHits() {
        return addressHits.sum();
    }

    /** Lookups that searched the databases (every lookup with {@code cacheSize} 0). */
    public long cacheMisses() {
        return Math.max(0, lookups.sum() - addressHits.sum());
    }

    /**
     * Record-cache hits of the lookups that searched the databases. That cache (one {@code CHMCache} of
     * {@code cacheSize} entries per open database file) holds decoded data records, which many addresses share; a
     * search makes several requests, so compare with {@link #recordCacheMisses()}, not with {@link #lookups()}. A
     * full record cache keeps what it has and takes nothing new.
     */
    long recordCacheHits() {
        return recordRequests.sum() - recordMisses.sum();
    }

    /** Records decoded from a file because the record cache did not have them. */
    long recordCacheMisses() {
        return recordMisses.sum();
    }

    /** Changed files swapped in. */
    public long reloads() {
        return reloads.sum();
    }

    /** Changed files rejected (unreadable, corrupt or of the wrong type) while the old data stayed in use. */
    public long reloadFailures() {
        return reloadFailures.sum();
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        String text = message == null ? e.getClass().getSimpleName() : message;
        return text.replaceAll("\\s+", " ").strip();
    }

    private static void closeQuietly(DatabaseReader reader) {
        try {
            reader.close();
        } catch (IOException e) {
            LOG.debug("closing a geoip reader failed", e);
        }
    }

    /** The file behind one kind of lookup; {@code path} is null for bundled data, which never changes. */
    private static final class Slot {
        final Kind kind;
        final Path path;
        final AtomicReference<OpenDatabase> current;
        // Touched only under the adapter's lock (checkForChanges).
        FileSignature rejected;
        boolean unreadableLogged;

        Slot(Kind kind, Path path, OpenDatabase db) {
            this.kind = kind;
            this.path = path;
            this.current = new AtomicReference<>(db);
        }

        void close() {
            OpenDatabase db = current.getAndSet(null);
            if (db != null) {
                db.release();
            }
        }
    }

    /**
     * An open reader with a count of its users: the slot holds one reference and each running lookup another, so
     * the reader is closed exactly when it has been replaced (or the adapter closed) and no lookup uses it any more.
     */
    private static final class OpenDatabase {
        final DatabaseReader reader;
        final String source;
        final FileSignature signature;
        final boolean ipv6;
        final AtomicBoolean failureLogged = new AtomicBoolean();
        private final AtomicInteger users = new AtomicInteger(1);

        OpenDatabase(DatabaseReader reader, String source, FileSignature signature) {
            this.reader = reader;
            this.source = source;
            this.signature = signature;
            this.ipv6 = reader.metadata().ipVersion() == 6;
        }

        /** False once the reader is closed or closing; the caller should take the slot's current one. */
        boolean acquire() {
            int n;
            do {
                n = users.get();
                if (n == 0) {
                    return false;
                }
            } while (!users.compareAndSet(n, n + 1));
            return true;
        }

        void release() {
            if (users.decrementAndGet() == 0) {
                closeQuietly(reader);
            }
        }
    }

    /** Counts how often the record cache had to load, for the hit-rate metric. */
    private final class CountingCache implements NodeCache {
        private final NodeCache delegate;

        CountingCache(NodeCache delegate) {
            this.delegate = delegate;
        }

        @Override
        public com.maxmind.db.DecodedValue get(com.maxmind.db.CacheKey<?> key, Loader loader) throws IOException {
            recordRequests.increment();
            return delegate.get(key, k -> {
                recordMisses.increment();
                return loader.load(k);
            });
        }
    }
}
