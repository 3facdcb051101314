package io.github.userspipeline.fetchusers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.userspipeline.task.contract.UserRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The record contract as this module's README documents it follows {@link UserRecord} and what
 * the client asks the API for: a field added to the record fails here until the README lists it.
 */
class ReadmeContractTest {

    private static final Path README = Path.of("README.md");
    private static final String SECTION = "## Record contract";
    private static final String TABLE_HEADER = "| field | type | from the API |";

    @Test
    void theContractTableListsEveryFieldOnTheWireInOrderAndNoOther() throws IOException {
        assertThat(tableFields())
                .as("the fields of tasks/fetch-users/README.md's table under \"" + SECTION
                        + "\" against UserRecord (contract_version, then UserRecord.FIELDS)")
                .containsExactlyElementsOf(UserRecord.wireNames());
    }

    @Test
    void theIncListIsWhatTheClientAsksFor() throws IOException {
        Matcher inc = Pattern.compile("inc=([a-z,]+)").matcher(Files.readString(README));

        assertThat(inc.find()).as("an inc= list in tasks/fetch-users/README.md").isTrue();
        assertThat(List.of(inc.group(1).split(",")))
                .as("the inc= list in tasks/fetch-users/README.md against UserMapper.INCLUDED_FIELDS")
                .containsExactly(UserMapper.INCLUDED_FIELDS.split(","));
    }

    /** The `names` in the first column of the contract table, in order ("`dob`, `registered_date`" is two). */
    private static List<String> tableFields() throws IOException {
        List<String> fields = new ArrayList<>();
        boolean inSection = false;
        boolean inTable = false;
        for (String line : Files.readAllLines(README)) {
            if (line.startsWith("## ")) {
                inSection = line.startsWith(SECTION);
            } else if (inSection && line.equals(TABLE_HEADER)) {
                inTable = true;
            } else if (inTable && !line.startsWith("|")) {
                break;
            } else if (inTable && !line.startsWith("|---")) {
                Matcher name = Pattern.compile("`(\\w+)`").matcher(line.split("\\|")[1]);
                while (name.find()) {
                    fields.add(name.group(1));
                }
            }
        }
        return fields;
    }
}
