package io.github.userspipeline.task.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserRulesTest {

    /** checkInstant's quick path for UTC instants must agree with Instant.parse on every edge. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "1990-04-17T04:05:46.280Z",
                "2024-02-29T00:00:00Z",
                "2023-02-29T00:00:00Z",
                "1900-02-29T12:00:00Z",
                "2000-02-29T12:00:00Z",
                "2026-04-31T10:00:00Z",
                "2026-12-31T23:59:59.999999999Z",
                "2026-13-01T00:00:00Z",
                "2026-00-10T00:00:00Z",
                "2026-01-00T00:00:00Z",
                "2026-01-32T00:00:00Z",
                "2026-01-01T24:00:00Z",
                "2026-01-01T23:60:00Z",
                "2026-12-31T23:59:60Z",
                "0000-01-01T00:00:00Z",
                "2026-01-01T10:00:00+18:00",
                "2026-01-01T10:00:00+18:30",
                "2026-01-01T10:00:00-00:00",
                "2026-01-01T10:00:00+05:60"
            })
    void aUtcInstantIsValidExactlyWhenInstantParseTakesIt(String value) {
        assertThat(UserRules.checkInstant("dob.date", value) == null).as(value).isEqualTo(parses(value));
    }

    @Test
    void aMissingGenderIsAReasonNotACrash() {
        assertThat(UserRules.checkGender("gender", null)).isEqualTo("unknown gender: null");
        assertThat(UserRules.checkGender("gender", "female")).isNull();
    }

    private static boolean parses(String value) {
        try {
            Instant.parse(value);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
