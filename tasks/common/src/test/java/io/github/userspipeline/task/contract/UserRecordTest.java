package io.github.userspipeline.task.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.userspipeline.task.TaskMain;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserRecordTest {

    @Test
    void theVersionIsTheHighestSinceOfTheFields() {
        int highest = UserRecord.FIELDS.stream()
                .mapToInt(UserRecord.Field::since)
                .max()
                .orElseThrow();

        assertThat(UserRecord.VERSION)
                .as("UserRecord.VERSION against the highest @Since of its fields: a new field is @Since(VERSION + 1)"
                        + " and VERSION is bumped to it (tasks/fetch-users/README.md, Changing the record)")
                .isEqualTo(highest);
    }

    @Test
    void eachFieldKnowsTheVersionThatAddedIt() {
        assertThat(UserRecord.FIELDS.get(0)).isEqualTo(new UserRecord.Field("id", UserRecord.Kind.TEXT, 1));
        assertThat(UserRecord.FIELDS.get(UserRecord.FIELDS.size() - 1))
                .isEqualTo(new UserRecord.Field("cell", UserRecord.Kind.TEXT, 2));
    }

    @Test
    void aRecordCarriesItsContractVersionFirstOnTheWire() {
        UserRecord user = new UserRecord(
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
                "(099) X16-6755");

        JsonNode json = TaskMain.JSON.valueToTree(user);

        assertThat(json.properties()).extracting(Map.Entry::getKey).containsExactlyElementsOf(UserRecord.wireNames());
        assertThat(UserRecord.wireNames().get(0))
                .isEqualTo(UserRecord.VERSION_FIELD)
                .isEqualTo("contract_version");
        assertThat(json.get(UserRecord.VERSION_FIELD).isInt()).isTrue();
        assertThat(json.get(UserRecord.VERSION_FIELD).asInt()).isEqualTo(UserRecord.VERSION);
        assertThat(json.get("cell").asText()).isEqualTo("(099) X16-6755");
        assertThat(UserRecord.wireNames().subList(1, UserRecord.wireNames().size()))
                .isEqualTo(UserRecord.names());
    }
}
