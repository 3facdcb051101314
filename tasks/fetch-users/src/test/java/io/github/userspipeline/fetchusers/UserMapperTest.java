package io.github.userspipeline.fetchusers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.userspipeline.task.TaskMain;
import io.github.userspipeline.task.contract.UserRecord;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
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

    private UserMapper.Mapped map(JsonNode raw) throws IOException {
        return UserMapper.map(json.writeValueAsBytes(raw), "run-1", FETCHED_AT);
    }

    private UserRecord valid(JsonNode raw) throws IOException {
        UserMapper.Mapped mapped = map(raw);
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
                        "2026-11-21T10:00:00Z",
                        "(099) X16-6755"));
    }

    @Test
    void mapsTheCompactResponseWithTextPostcode() throws IOException {
        UserRecord user = valid(firstUser("bhubr_randomuser_v1.3_results1_compact.json"));

        assertThat(user.postCode()).isEqualTo("K47 1GX");
        assertThat(user.address()).isEqualTo("4992 King Street, Liverpool, Hertfordshire, United Kingdom");
        assertThat(user.latitude()).isEqualTo(7.1351);
        assertThat(user.longitude()).isEqualTo(-9.114);
        assertThat(user.cell()).isEqualTo("0776-997-038");
    }

    @Test
    void recordJsonHasTheContractsFieldNamesAndCarriesNoSecrets() throws IOException {
        JsonNode raw = firstUser("dogukannulu_response_v1.4_results1.json");
        UserMapper.Valid mapped = (UserMapper.Valid) map(raw);
        String record = new String(mapped.json(), UTF_8);
        assertThat(record).isEqualTo(TaskMain.JSON.writeValueAsString(mapped.user()));

        assertThat(json.readTree(record).properties())
                .extracting(Map.Entry::getKey)
                .containsExactlyElementsOf(UserRecord.wireNames());
        assertThat(json.readTree(record).get(UserRecord.VERSION_FIELD).asInt()).isEqualTo(UserRecord.VERSION);
        assertThat(record).doesNotContain("kathy", "oXzL1cSS", "801aef5988f82af79e9d3945893e21ad");
    }

    @Test
    void rejectsWithEveryReasonAndKeepsTheRawUserWithoutSecrets() throws IOException {
        JsonNode raw = firstUser("dogukannulu_response_v1.4_results1.json");
        ((ObjectNode) raw).put("email", "not-an-email");
        ((ObjectNode) raw.path("dob")).put("date", "yesterday");
        ((ObjectNode) raw.at("/location/coordinates")).put("latitude", "95.1");

        UserMapper.Mapped mapped = map(raw);

        assertThat(mapped).isInstanceOf(UserMapper.Rejected.class);
        UserMapper.Rejected rejected = (UserMapper.Rejected) mapped;
        assertThat(rejected.id()).isEqualTo("1577ccfc-a3c6-49d0-bb86-ddca8faf0d11");
        assertThat(rejected.reason())
                .isEqualTo("email is not an address: not-an-email; "
                        + "dob.date is not an ISO-8601 instant: yesterday; "
                        + "location.coordinates.latitude is not a number within ±90: 95.1");
        assertThat(rejected.raw().path("login").fieldNames()).toIterable().containsExactly("uuid", "username");
        ((ObjectNode) raw.path("login")).retain("uuid", "username");
        assertThat(rejected.raw()).as("the raw user, but its secrets").isEqualTo(raw);
    }

    @Test
    void rejectsAUserWithoutUuidNameOrCell() throws IOException {
        JsonNode raw = firstUser("bhubr_randomuser_v1.3_results1_compact.json");
        ((ObjectNode) raw.path("login")).remove("uuid");
        ((ObjectNode) raw).remove(List.of("name", "cell"));

        UserMapper.Mapped mapped = map(raw);

        assertThat(((UserMapper.Rejected) mapped).reason())
                .contains(
                        "login.uuid is not a UUID: null",
                        "name.first is missing",
                        "name.last is missing",
                        "cell is missing");
    }

    @Test
    void anAnswerIsReadUserByUserAndWhatIsNotAUserIsRejected() throws IOException {
        JsonNode user = firstUser("dogukannulu_response_v1.4_results1.json");
        byte[] answer =
                ("{\"info\":{\"results\":[1]},\"results\":[" + user + ",\"text\"," + user + "]}").getBytes(UTF_8);

        List<UserMapper.Mapped> users = UserMapper.mapResults(answer, "run-1", FETCHED_AT);

        assertThat(users).hasSize(3);
        assertThat(((UserMapper.Valid) users.get(0)).user())
                .isEqualTo(((UserMapper.Valid) users.get(2)).user())
                .isEqualTo(valid(user));
        UserMapper.Rejected text = (UserMapper.Rejected) users.get(1);
        assertThat(text.raw().asText()).isEqualTo("text");
        assertThat(text.reason()).startsWith("login.uuid is not a UUID: null; unknown gender: null");
        assertThat(UserMapper.mapResults("{\"results\":{}}".getBytes(UTF_8), "run-1", FETCHED_AT))
                .isEmpty();
    }

    @Test
    void aFieldReadsAsTheTreeGaveItTheLastOneGivenCounting() throws IOException {
        ObjectNode raw = (ObjectNode) firstUser("dogukannulu_response_v1.4_results1.json");
        String user = raw.toString()
                .replaceFirst("\"phone\":\"[^\"]*\"", "\"phone\":12.50,\"phone\":7")
                .replaceFirst("\"nat\":\"UA\"", "\"nat\":true");

        UserRecord mapped = ((UserMapper.Valid) UserMapper.map(user.getBytes(UTF_8), "run-1", FETCHED_AT)).user();

        assertThat(mapped.phone()).isEqualTo("7");
        assertThat(mapped.nationality()).isEqualTo("true");
        assertThat(mapped.postCode()).isEqualTo("68140");
        raw.put("phone", 12.50);
        assertThat(map(raw))
                .isInstanceOfSatisfying(
                        UserMapper.Valid.class,
                        valid -> assertThat(valid.user().phone()).isEqualTo("12.5"));
        raw.putObject("name");
        assertThat(((UserMapper.Rejected) map(raw)).reason()).isEqualTo("name.first is missing; name.last is missing");
    }

    @Test
    void theSeedDependsOnlyOnTheRunId() {
        assertThat(FetchUsers.seedFor("manual__2026-11-21"))
                .isEqualTo(FetchUsers.seedFor("manual__2026-11-21"))
                .hasSize(16)
                .isNotEqualTo(FetchUsers.seedFor("manual__2026-11-22"));
    }
}
