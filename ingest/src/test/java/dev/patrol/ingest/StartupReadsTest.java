package dev.patrol.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class StartupReadsTest {

    @Test
    void shouldRunReadsSideBySideWhenStarted() throws Exception {
        // given: two reads that each finish only once the other has begun; one after the other, neither would
        var first = new CountDownLatch(1);
        var second = new CountDownLatch(1);
        try (var reads = new StartupReads("test-restore")) {
            // when
            Future<Boolean> a = reads.start(() -> {
                first.countDown();
                return second.await(10, TimeUnit.SECONDS);
            });
            Future<Boolean> b = reads.start(() -> {
                second.countDown();
                return first.await(10, TimeUnit.SECONDS);
            });

            // then
            assertThat(StartupReads.await(a)).isTrue();
            assertThat(StartupReads.await(b)).isTrue();
        }
    }

    @Test
    void shouldRethrowTheReadsOwnExceptionWhenAReadFails() {
        try (var reads = new StartupReads("test-restore")) {
            // when
            Future<Object> failing = reads.start(() -> {
                throw new TimeoutException("topic metadata not available");
            });

            // then: the caller's handling of Kafka errors sees the same exception as before
            assertThatThrownBy(() -> StartupReads.await(failing)).isInstanceOf(TimeoutException.class)
                    .hasMessage("topic metadata not available");
        }
    }
}
