package io.github.userspipeline.task;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The scheme holds only if no name can be both one task's own and shared, or two tasks' own. */
class SettingNamesTest {

    @Test
    void noTaskPrefixStartsAnotherOrASharedName() {
        SettingNames.OWN_PREFIXES.forEach((task, prefix) -> {
            assertThat(SettingNames.OWN_PREFIXES.values())
                    .as(task)
                    .filteredOn(other -> !other.equals(prefix))
                    .noneMatch(other -> other.startsWith(prefix) || prefix.startsWith(other));
            assertThat(SettingNames.SHARED.keySet()).as(task).noneMatch(name -> name.startsWith(prefix));
        });
    }
}
