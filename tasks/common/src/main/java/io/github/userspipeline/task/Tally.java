package io.github.userspipeline.task;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts by key, from any number of threads at once (Kafka's send callbacks, the Cassandra
 * driver's), and gives the counts as a summary carries them: {@link #capped()}.
 */
public final class Tally {

    /** Keys a summary map keeps at most: the summary is one stdout line, and Docker splits lines over 16 KB. */
    public static final int MAX_KEYS = 50;

    /** The key of the counts beyond the {@link #MAX_KEYS} - 1 largest. */
    public static final String OTHER = "other";

    private static final Comparator<Map.Entry<String, Long>> LARGEST_FIRST =
            Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey());

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    public void add(String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** Every count added so far. */
    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** {@link #capped(int)} with {@link #MAX_KEYS}. */
    public Map<String, Long> capped() {
        return capped(MAX_KEYS);
    }

    /**
     * The counts, largest first (ties by key): at most {@code maxKeys} keys, the smallest counts
     * summed under {@link #OTHER} when there are more. They sum to {@link #total()}; no key has 0.
     * Read once the adding is done.
     */
    public Map<String, Long> capped(int maxKeys) {
        List<Map.Entry<String, Long>> largestFirst = counts.entrySet().stream()
                .map(entry -> Map.entry(entry.getKey(), entry.getValue().sum()))
                .sorted(LARGEST_FIRST)
                .toList();
        Map<String, Long> capped = new LinkedHashMap<>();
        if (largestFirst.size() <= maxKeys) {
            largestFirst.forEach(entry -> capped.put(entry.getKey(), entry.getValue()));
            return capped;
        }
        long other = 0;
        for (Map.Entry<String, Long> entry : largestFirst) {
            // A key that is itself "other" joins the rest: no key is dropped, none appears twice.
            if (capped.size() < maxKeys - 1 && !entry.getKey().equals(OTHER)) {
                capped.put(entry.getKey(), entry.getValue());
            } else {
                other += entry.getValue();
            }
        }
        capped.put(OTHER, other);
        return capped;
    }
}
