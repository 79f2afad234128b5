package dev.patrol.bench.jmh;

import dev.patrol.bench.Zipf;
import dev.patrol.model.config.PatrolConfig.NetworkSettings;
import dev.patrol.model.event.NetworkClass;
import dev.patrol.model.net.Cidr;
import dev.patrol.streams.enrich.GeoIpResult;
import dev.patrol.streams.enrich.NetworkClassifier;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CIDR matching: {@link Cidr#contains} over a corporate list of {@code cidrs} networks, and the whole
 * {@link NetworkClassifier#classify} (corporate, VPN, private, reserved ranges, ASN lists) that runs for every event.
 * Addresses: half corporate, half a Zipf mix of public ones.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CidrBenchmark {

    @Param({"3", "50"})
    public int cidrs;

    private List<Cidr> corporate;
    private NetworkClassifier classifier;
    private InetAddress[] addresses;
    private final GeoIpResult geo = GeoIpResult.EMPTY;
    private int next;

    @Setup
    public void setUp() throws Exception {
        corporate = new ArrayList<>(List.of(Cidr.parse("10.20.0.0/16"), Cidr.parse("198.51.100.0/24"),
                Cidr.parse("2001:db8:c0::/48")));
        for (int i = corporate.size(); i < cidrs; i++) {
            corporate.add(Cidr.parse("100." + (i % 64) + "." + (i * 4 % 256) + ".0/22"));
        }
        classifier = NetworkClassifier.from(NetworkSettings.corporate(corporate));
        Random random = new Random(42);
        String[] pool = Zipf.publicAddresses(10_000, random);
        Zipf zipf = new Zipf(pool.length, 1.1, random);
        addresses = new InetAddress[4096];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = InetAddress.getByName(i % 2 == 0 ? "10.20." + random.nextInt(256) + "." + (1 + random.nextInt(254))
                    : pool[zipf.next()]);
        }
    }

    @Benchmark
    public boolean corporateContains() {
        next = (next + 1) & (addresses.length - 1);
        InetAddress address = addresses[next];
        for (Cidr cidr : corporate) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Benchmark
    public NetworkClass classify() {
        next = (next + 1) & (addresses.length - 1);
        return classifier.classify(addresses[next], geo);
    }
}
