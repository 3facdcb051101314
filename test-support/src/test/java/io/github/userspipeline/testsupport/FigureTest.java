package io.github.userspipeline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FigureTest {

    @Test
    void printsValueBaselineAndRatio() {
        assertThat(new Figure("fetch_users_per_s", 150_000, "users/s", 200_000.0).toJson())
                .isEqualTo("{\"figure\":\"fetch_users_per_s\",\"value\":150000.0,\"unit\":\"users/s\","
                        + "\"baseline\":200000.0,\"ratio\":0.75}");
    }

    @Test
    void withoutBaselineBothAreNull() {
        assertThat(new Figure("spark_first_batch_seconds", 12.3456, "s", null).toJson())
                .isEqualTo("{\"figure\":\"spark_first_batch_seconds\",\"value\":12.346,\"unit\":\"s\","
                        + "\"baseline\":null,\"ratio\":null}");
    }
}
