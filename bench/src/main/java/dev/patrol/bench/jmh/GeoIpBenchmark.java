package dev.patrol.bench.jmh;

import dev.patrol.bench.Zipf;
import dev.patrol.model.config.PatrolConfig.GeoIpSettings;
import dev.patrol.streams.enrich.GeoIpResult;
import dev.patrol.streams.enrich.MaxMindGeoIp;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The streams module's MaxMind adapter (City + ASN, the bundled GeoLite2 data) on a Zipf mix of 10,000 public
 * addresses, without a cache ({@code geoip.cacheSize=0}) and with the default 4,096 entries. Target: cached at least
 * 5x the uncached throughput.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GeoIpBenchmark {

    @Param({"0", "4096"})
    public int cacheSize;

    private MaxMindGeoIp geoIp;
    private InetAddress[] sequence;
    private int next;

    @Setup
    public void setUp() throws Exception {
        geoIp = MaxMindGeoIp.open(new GeoIpSettings(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), cacheSize, Duration.ofHours(1)));
        Random random = new Random(42);
        String[] pool = Zipf.publicAddresses(10_000, random);
        Zipf zipf = new Zipf(pool.length, 1.1, random);
        sequence = new InetAddress[1 << 16];
        for (int i = 0; i < sequence.length; i++) {
            sequence[i] = InetAddress.getByName(pool[zipf.next()]);
        }
    }

    @TearDown
    public void tearDown() {
        geoIp.close();
    }

    @Benchmark
    public GeoIpResult lookup() {
        next = (next + 1) & (sequence.length - 1);
        return geoIp.lookup(sequence[next]);
    }
}
