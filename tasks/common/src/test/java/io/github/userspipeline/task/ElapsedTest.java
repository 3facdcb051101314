package io.github.userspipeline.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ElapsedTest {

    @Test
    void secondsKeepTheMillisecondsAndDropTheRest() {
        assertThat(Elapsed.seconds(Duration.ofMillis(1234).plusNanos(999_999))).isEqualTo(1.234);
    }

    @Test
    void secondsSinceAStartInThePast() {
        assertThat(Elapsed.secondsSince(Instant.now().minusSeconds(3))).isBetween(3.0, 60.0);
    }
}
