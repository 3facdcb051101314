package io.github.userspipeline.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class TallyTest {

    @Test
    void nothingCountedIsAnEmptyMap() {
        assertThat(new Tally().capped()).isEmpty();
        assertThat(new Tally().total()).isZero();
    }

    @Test
    void fewKeysAreKeptLargestFirst() {
        Tally tally = new Tally();
        add(tally, "b", 2);
        add(tally, "a", 2);
        add(tally, "c", 5);

        assertThat(tally.capped()).containsExactly(entry("c", 5L), entry("a", 2L), entry("b", 2L));
        assertThat(tally.total()).isEqualTo(9);
    }

    /** 60 keys, key i counted i + 1 times: the 49 largest stay, the 11 smallest (1..11) go to "other". */
    @Test
    void moreThanFiftyKeysKeepTheLargestAndSumTheRestUnderOther() {
        Tally tally = new Tally();
        for (int key = 0; key < 60; key++) {
            add(tally, "k" + key, key + 1);
        }

        Map<String, Long> capped = tally.capped();

        assertThat(capped)
                .hasSize(Tally.MAX_KEYS)
                .containsEntry(Tally.OTHER, 66L)
                .containsEntry("k59", 60L);
        assertThat(capped).containsEntry("k11", 12L).doesNotContainKeys("k10", "k0");
        assertThat(capped.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(tally.total());
    }

    @Test
    void aKeyNamedOtherJoinsTheRestWhenCapped() {
        Tally tally = new Tally();
        for (int key = 0; key < 50; key++) {
            add(tally, "k" + key, 10);
        }
        add(tally, Tally.OTHER, 100);

        Map<String, Long> capped = tally.capped();

        assertThat(capped).hasSize(Tally.MAX_KEYS).containsEntry(Tally.OTHER, 100L + 10);
        assertThat(capped.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(600);
    }

    @Test
    void countsFromManyThreadsAtOnceAreAllKept() throws Exception {
        Tally tally = new Tally();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Void>> adding = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                adding.add(CompletableFuture.runAsync(
                        () -> {
                            for (int i = 0; i < 10_000; i++) {
                                tally.add("k" + (i % 3));
                            }
                        },
                        threads));
            }
            CompletableFuture.allOf(adding.toArray(CompletableFuture[]::new)).get();
        } finally {
            threads.shutdown();
        }

        assertThat(tally.total()).isEqualTo(80_000);
        assertThat(tally.capped()).containsEntry("k0", 26_672L).containsEntry("k1", 26_664L);
    }

    private static void add(Tally tally, String key, int times) {
        for (int i = 0; i < times; i++) {
            tally.add(key);
        }
    }
}
