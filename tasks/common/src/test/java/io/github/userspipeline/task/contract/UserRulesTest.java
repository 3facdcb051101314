package io.github.userspipeline.task.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.task.RunIds;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
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

    /** fetch-users' reason for Fault.invalidUser(): two problems, each cut before its value. */
    @Test
    void theKindOfAReasonKeepsEachProblemWithoutItsValue() {
        String reason = String.join(
                UserRules.SEPARATOR,
                UserRules.checkEmail("email", "not-an-email"),
                UserRules.checkInstant("dob.date", "yesterday"),
                UserRules.checkPresent("name.first", ""));

        assertThat(UserRules.kindOf(reason))
                .isEqualTo("email is not an address; dob.date is not an ISO-8601 instant; name.first is missing");
    }

    @Test
    void reasonsThatDifferOnlyInTheirValuesAreOfOneKind() {
        assertThat(UserRules.kindOf(UserRules.checkCoordinate("latitude", "91", UserRules.LATITUDE_LIMIT)))
                .isEqualTo(UserRules.kindOf(UserRules.checkCoordinate("latitude", "-300.5", UserRules.LATITUDE_LIMIT)))
                .isEqualTo("latitude is not a number within ±90");
        assertThat(UserRules.kindOf(UserRules.checkGender("gender", "x: y (z")))
                .as("a value with \": \" and a parenthesis in it")
                .isEqualTo("unknown gender");
        assertThat(UserRules.kindOf(UserRules.checkUuid("id", null))).isEqualTo("id is not a UUID");
    }

    /** The texts stream-users writes to rejected_users (RecordClassifier, PartitionWriter, UserStatements). */
    @Test
    void theJobsOwnReasonsAreCutAlike() {
        assertThat(UserRules.kindOf("run_id is not a run id (" + RunIds.RULE + "): bad run/id"))
                .as("the rule's \": \" is inside parentheses")
                .isEqualTo("run_id is not a run id (" + RunIds.RULE + ")");
        assertThat(UserRules.kindOf("Cassandra refused the write: Key length of 70000 is longer than maximum of 65535"))
                .isEqualTo("Cassandra refused the write");
        assertThat(UserRules.kindOf("empty Kafka value")).isEqualTo("empty Kafka value");
        assertThat(UserRules.kindOf(
                        "not a JSON object of the record contract (malformed JSON or a field of the wrong type)"))
                .isEqualTo("not a JSON object of the record contract (malformed JSON or a field of the wrong type)");
        assertThat(
                        UserRules.kindOf(
                                "email is not an address: x; raw value cut to its first 1000000 characters, its length: 1500000"))
                .isEqualTo("email is not an address; raw value cut to its first 1000000 characters, its length");
        assertThat(UserRules.kindOf("duplicate id within the run")).isEqualTo("duplicate id within the run");
    }

    /** The job's reasons for a record it cannot read by any contract version it knows. */
    @Test
    void aVersionReasonNamesTheFixAndItsKindLeavesOutTheVersion() {
        String newer = UserRules.newerVersion(UserRecord.VERSION_FIELD, 2) + "3";

        assertThat(newer)
                .isEqualTo("contract_version is newer than this job's 2"
                        + " (upgrade stream-users before fetch-users): 3");
        assertThat(UserRules.kindOf(newer))
                .isEqualTo(UserRules.kindOf(UserRules.newerVersion("contract_version", 2) + "7"));
        assertThat(UserRules.kindOf(UserRules.notVersion(UserRecord.VERSION_FIELD) + "abc"))
                .isEqualTo("contract_version is not a positive integer");
    }

    @Test
    void aVersionIsAPositiveIntegerWithoutSignOrFraction() {
        assertThat(List.of("1", "2", "10", "123456789012345678901"))
                .allMatch(version -> version.matches(UserRules.VERSION_REGEX));
        assertThat(List.of("0", "-1", "+1", "01", "1.0", "1e0", "abc", "", " 1"))
                .noneMatch(version -> version.matches(UserRules.VERSION_REGEX));
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
