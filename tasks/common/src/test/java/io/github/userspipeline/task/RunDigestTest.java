package io.github.userspipeline.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class RunDigestTest {

    private static final List<UUID> IDS =
            Stream.generate(UUID::randomUUID).limit(1000).toList();

    /** Pinned by an independent computation (Python's hashlib), so that the definition cannot drift. */
    @Test
    void isTheCountAndTheSumOfTheIdsSha256Prefixes() {
        RunDigest digest = RunDigest.of(List.of(
                UUID.fromString("00000000-0000-0000-0000-000000000001"),
                UUID.fromString("F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6")));

        assertThat(digest.toString()).isEqualTo("2:ab66ce2278b741fa");
    }

    @Test
    void withoutSomeIdsIsTheDigestOfTheRest() {
        assertThat(RunDigest.of(IDS).without(IDS.subList(100, 103)))
                .isEqualTo(RunDigest.of(IDS.stream()
                        .filter(id -> !IDS.subList(100, 103).contains(id))
                        .toList()));
    }

    @Test
    void doesNotDependOnTheOrder() {
        List<UUID> shuffled = new ArrayList<>(IDS);
        Collections.shuffle(shuffled);

        assertThat(RunDigest.of(shuffled)).isEqualTo(RunDigest.of(IDS));
    }

    @Test
    void aLostIdReplacedByAForeignOneKeepsTheCountButNotTheHash() {
        List<UUID> swapped = new ArrayList<>(IDS);
        swapped.set(500, UUID.randomUUID());

        RunDigest digest = RunDigest.of(swapped);

        assertThat(digest.count()).isEqualTo(1000);
        assertThat(digest).isNotEqualTo(RunDigest.of(IDS));
    }

    @Test
    void readsItsOwnTextForm() {
        RunDigest digest = RunDigest.of(IDS);

        assertThat(digest.toString()).matches("1000:[0-9a-f]{16}");
        assertThat(RunDigest.parse(digest.toString())).isEqualTo(digest);
        assertThat(RunDigest.of(List.of())).hasToString("0:0000000000000000");
    }

    @Test
    void refusesAnythingElse() {
        for (String bad :
                List.of("", "1000", "1000:abc", "-1:0123456789abcdef", "1000:0123456789ABCDEF", "{{ ids_digest }}")) {
            assertThatThrownBy(() -> new RunDigest.Converter().convert(bad))
                    .as(bad)
                    .isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("expected COUNT:HASH");
        }
    }

    @Test
    void isItsTextInJson() throws Exception {
        assertThat(TaskMain.JSON.writeValueAsString(new RunDigest(3, -1))).isEqualTo("\"3:ffffffffffffffff\"");
    }
}
