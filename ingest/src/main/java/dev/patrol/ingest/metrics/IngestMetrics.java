package dev.patrol.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ingest service's own meters for one organization, with constant names and descriptions. Tags are
 * low-cardinality only: organization, source, outcome, reason.
 */
public final class IngestMetrics {

    public static final String AUDIT_ENTRIES = "patrol.audit.entries";
    public static final String POLL_DURATION = "patrol.audit.poll.duration";
    public static final String INGEST_LAG = "patrol.ingest.lag";
    public static final String POLL_FAILURES = "patrol.audit.poll.failures";
    public static final String INVENTORY_TOKENS = "patrol.inventory.tokens";
    public static final String INVENTORY_SCAN_DURATION = "patrol.inventory.scan.duration";
    public static final String INVENTORY_FAILED_USERS = "patrol.inventory.failed.users";
    public static final String AVAILABILITY_DELAY = "patrol.ado.availability.delay";
    public static final String ADO_RESPONSES = "patrol.ado.responses";
    public static final String RATE_LIMIT_REMAINING = "patrol.ado.ratelimit.remaining";
    public static final String RATE_LIMIT_LIMIT = "patrol.ado.ratelimit.limit";

    /** Why a poll failed: the ADO credential was refused, ADO kept failing, or Kafka did. */
    public static final List<String> POLL_FAILURE_REASONS = List.of("credential", "ado", "kafka");
    private static final List<String> POLL_OUTCOMES = List.of("stored", "duplicate", "deadletter");

    private final MeterRegistry registry;
    private final String organization;
    private final AtomicReference<Instant> newestEntry = new AtomicReference<>();
    private final AtomicLong inventoryTokens = new AtomicLong();
    private final AtomicLong failedUsers = new AtomicLong();
    private final AtomicLong rateLimitRemaining = new AtomicLong(-1);
    private final AtomicLong rateLimitLimit = new AtomicLong(-1);
    private final Timer pollDuration;
    private final Timer scanDuration;
    private final Timer availabilityDelay;

    public IngestMetrics(MeterRegistry registry, String organization, Clock clock) {
        this.registry = registry;
        this.organization = organization;
        this.pollDuration = Timer.builder(POLL_DURATION).description("Time to read and store one audit-log window")
                .tag("org", organization).register(registry);
        this.scanDuration = Timer.builder(INVENTORY_SCAN_DURATION).description("Time of one PAT inventory scan")
                .tag("org", organization).register(registry);
        this.availabilityDelay = Timer.builder(AVAILABILITY_DELAY)
                .description("How long after its timestamp ADO showed a new audit entry to the poller (upper bound: "
                        + "includes the poll interval); ingest.overlap must stay above its tail")
                .tag("org", organization).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofSeconds(1)).maximumExpectedValue(Duration.ofHours(2))
                .register(registry);
        Gauge.builder(INGEST_LAG, newestEntry, ref -> ref.get() == null ? Double.NaN
                        : Duration.between(ref.get(), clock.instant()).toMillis() / 1000.0)
                .description("Now minus the timestamp of the newest audit entry stored: how far behind ADO ingest is")
                .baseUnit("seconds").tag("org", organization).register(registry);
        Gauge.builder(RATE_LIMIT_REMAINING, rateLimitRemaining, v -> v.get() < 0 ? Double.NaN : v.get())
                .description("ADO's X-RateLimit-Remaining on the latest answer: TSTUs left before ADO delays requests")
                .tag("org", organization).register(registry);
        Gauge.builder(RATE_LIMIT_LIMIT, rateLimitLimit, v -> v.get() < 0 ? Double.NaN : v.get())
                .description("ADO's X-RateLimit-Limit on the latest answer").tag("org", organization).register(registry);
        Gauge.builder(INVENTORY_TOKENS, inventoryTokens, AtomicLong::get)
                .description("PATs in the organization's inventory after the last scan").tag("org", organization)
                .register(registry);
        Gauge.builder(INVENTORY_FAILED_USERS, failedUsers, AtomicLong::get)
                .description("Users whose tokens the last inventory scan could not list (incomplete coverage)")
                .tag("org", organization).register(registry);
        // Counters exist at zero from the start, so rate() and the dashboards show 0 rather than "no data" until the
        // first failure or dead letter, and an alert rule sees the series before the event it waits for.
        POLL_OUTCOMES.forEach(outcome -> entries("poll", outcome));
        POLL_FAILURE_REASONS.forEach(this::pollFailures);
    }

    /** One poll's outcome: entries stored, skipped as duplicates, sent to the dead-letter topic. */
    public void polled(Duration took, int stored, int duplicates, int deadLetters, Instant newestStored) {
        pollDuration.record(took);
        count("poll", "stored", stored);
        count("poll", "duplicate", duplicates);
        count("poll", "deadletter", deadLetters);
        if (newestStored != null) {
            newestEntry.accumulateAndGet(newestStored, (a, b) -> a == null || b.isAfter(a) ? b : a);
        }
    }

    public void availabilityDelay(Duration delay) {
        if (!delay.isNegative()) {
            availabilityDelay.record(delay);
        }
    }

    /** An answer from ADO: counted by call and status; the rate-limit headers kept when present. */
    public void adoAnswered(String call, int status, long remaining, long limit) {
        Counter.builder(ADO_RESPONSES).description("Answers from the ADO APIs, by call and HTTP status (0: no answer)")
                .tag("org", organization).tag("call", call).tag("status", Integer.toString(status))
                .register(registry).increment();
        if (remaining >= 0) {
            rateLimitRemaining.set(remaining);
        }
        if (limit >= 0) {
            rateLimitLimit.set(limit);
        }
    }

    /** An ADO client as a metrics source. */
    public dev.patrol.ingest.ado.AdoHttpClient.Observer adoObserver() {
        return new dev.patrol.ingest.ado.AdoHttpClient.Observer() {
            @Override
            public void answered(String call, int status, long remaining, long limit) {
                adoAnswered(call, status, remaining, limit);
            }

            @Override
            public void unanswered(String call) {
                adoAnswered(call, 0, -1, -1);
            }
        };
    }

    public void pollFailed(String reason) {
        pollFailures(reason).increment();
    }

    private Counter pollFailures(String reason) {
        return Counter.builder(POLL_FAILURES).description("Audit polls that failed and will be retried")
                .tag("org", organization).tag("reason", reason).register(registry);
    }

    public void scanned(Duration took, int tokens, int failed) {
        scanDuration.record(took);
        inventoryTokens.set(tokens);
        failedUsers.set(failed);
    }

    private void count(String source, String outcome, int amount) {
        if (amount > 0) {
            entries(source, outcome).increment(amount);
        }
    }

    private Counter entries(String source, String outcome) {
        return Counter.builder(AUDIT_ENTRIES).description("Audit entries handled by ingest")
                .tag("org", organization).tag("source", source).tag("outcome", outcome).register(registry);
    }
}
