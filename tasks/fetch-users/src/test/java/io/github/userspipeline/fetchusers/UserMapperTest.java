package io.github.userspipeline.fetchusers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.userspipeline.task.TaskMain;
import io.github.userspipeline.task.contract.UserRecord;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Mapping real API responses (see src/test/resources/randomuser/PROVENANCE.md). */
class UserMapperTest {

    private static final Instant FETCHED_AT = Instant.parse("2026-11-21T10:00:00Z");
    private final ObjectMapper json = new ObjectMapper();

    private JsonNode firstUser(String fixture) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/randomuser/" + fixture)) {
            return json.readTree(in).path("results").get(0);
        }
    }

    private UserRecord valid(JsonNode raw) {
        UserMapper.Mapped mapped = UserMapper.map(raw, "run-1", FETCHED_AT);
        assertThat(mapped).isInstanceOf(UserMapper.Valid.class);
        return ((UserMapper.Valid) mapped).user();
    }

    @Test
    void mapsTheV14ResponseWithIntegerPostcodeAndNullIdValue() throws IOException {
        UserRecord user = valid(firstUser("dogukannulu_response_v1.4_results1.json"));

        assertThat(user)
                .isEqualTo(new UserRecord(
                        "1577ccfc-a3c6-49d0-bb86-ddca8faf0d11",
                        "Antonida",
                        "Kaminska",
                        "female",
                        "7812 Provulok Pushkina, Chistyakove, Ternopilska, Ukraine",
                        "68140",
                        "antonida.kaminska@example.com",
                        "happyswan852",
                        "1990-04-17T04:05:46.280Z",
                        "2015-05-24T00:39:35.317Z",
                        "(099) R90-8000",
                        "https://randomuser.me/api/portraits/med/women/51.jpg",
                        "UA",
                        77.9446,
                        154.7317,
                        "run-1",
                        "2026-11-21T10:00:00Z"));
    }

    @Test
    void mapsTheCompactResponseWithTextPostcode() throws IOException {
        UserRecord user = valid(firstUser("bhubr_randomuser_v1.3_results1_compact.json"));

        assertThat(user.postCode()).isEqualTo("K47 1GX");
        assertThat(user.address()).isEqualTo("4992 King Street, Liverpool, Hertfordshire, United Kingdom");
        assertThat(user.latitude()).isEqualTo(7.1351);
        assertThat(user.longitude()).isEqualTo(-9.114);
    }

    @Test
    void recordJsonHasTheContractsFieldNamesAndCarriesNoSecrets() throws IOException {
        JsonNode raw = firstUser("dogukannulu_response_v1.4_results1.json");
        String record = TaskMain.JSON.writeValueAsString(valid(raw));

        assertThat(json.readTree(record).properties())
                .extracting(Map.Entry::getKey)
                .containsExactlyElementsOf(UserRecord.names());
        assertThat(record).doesNotContain("kathy", "oXzL1cSS", "801aef5988f82af79e9d3945893e21ad");
        assertThat(raw.path("login").fieldNames()).toIterable().containsExactly("uuid", "username");
    }

    @Test
    void rejectsWithEveryReasonAndKeepsTheRawUserWithoutSecrets() throws IOException {
        JsonNode raw = firstUser("dogukannulu_response_v1.4_results1.json");
        ((ObjectNode) raw).put("email", "not-an-email");
        ((ObjectNode) raw.path("dob")).put("date", "yesterday");
        ((ObjectNode) raw.at("/location/coordinates")).put("latitude", "95.1");

        UserMapper.Mapped mapped = UserMapper.map(raw, "run-1", FETCHED_AT);

        assertThat(mapped).isInstanceOf(UserMapper.Rejected.class);
        UserMapper.Rejected rejected = (UserMapper.Rejected) mapped;
        assertThat(rejected.id()).isEqualTo("1577ccfc-a3c6-49d0-bb86-ddca8faf0d11");
        assertThat(rejected.reason())
                .isEqualTo("email is not an address: not-an-email; "
                        + "dob.date is not an ISO-8601 instant: yesterday; "
                        + "location.coordinates.latitude is not a number within ±90: 95.1");
        assertThat(rejected.raw().at("/login/password").isMissingNode()).isTrue();
    }

    @Test
    void rejectsAUserWithoutUuidOrName() throws IOException {
        JsonNode raw = firstUser("bhubr_randomuser_v1.3_results1_compact.json");
        ((ObjectNode) raw.path("login")).remove("uuid");
        ((ObjectNode) raw).remove("name");

        UserMapper.Mapped mapped = UserMapper.map(raw, "run-1", FETCHED_AT);

        assertThat(((UserMapper.Rejected) mapped).reason())
                .contains("login.uuid is not a UUID: null", "name.first is missing", "name.last is missing");
    }

    @Test
    void theSeedDependsOnlyOnTheRunId() {
        assertThat(FetchUsers.seedFor("manual__2026-11-21"))
                .isEqualTo(FetchUsers.seedFor("manual__2026-11-21"))
                .hasSize(16)
                .isNotEqualTo(FetchUsers.seedFor("manual__2026-11-22"));
    }
}
