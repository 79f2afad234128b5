package dev.patrol.bench.jmh;

import dev.patrol.model.event.AuthMechanism;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** {@link AuthMechanism#parse} of the {@code authenticationMechanism} values the audit log carries. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MechanismParseBenchmark {

    @Param({"PAT_Unscoped authorizationId: 9b2f4c1e-6a7d-4e3b-8c5f-1d2e3f4a5b6c",
            "PAT authorizationId:9b2f4c1e-6a7d-4e3b-8c5f-1d2e3f4a5b6c",
            "AAD_Cookie",
            "S2S_ServicePrincipal",
            ""})
    public String mechanism;

    @Benchmark
    public AuthMechanism parse() {
        return AuthMechanism.parse(mechanism);
    }
}
