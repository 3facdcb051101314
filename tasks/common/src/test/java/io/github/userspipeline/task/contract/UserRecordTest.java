package io.github.userspipeline.task.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.userspipeline.task.TaskMain;
import java.util.LinkedHashMap;
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
        // A record with every field set, built from FIELDS: a text for each text, a number for each number.
        Map<String, Object> values = new LinkedHashMap<>();
        UserRecord.FIELDS.forEach(
                field -> values.put(field.name(), field.kind() == UserRecord.Kind.NUMBER ? 1.5 : "a"));
        values.put("cell", "(099) X16-6755");
        UserRecord user = TaskMain.JSON.convertValue(values, UserRecord.class);

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
