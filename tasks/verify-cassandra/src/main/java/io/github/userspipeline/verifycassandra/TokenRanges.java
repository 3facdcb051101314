package io.github.userspipeline.verifycassandra;

import static java.util.stream.Collectors.joining;

import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The Murmur3Partitioner token ring, split into contiguous ranges {@code (start, end]} of
 * (nearly) equal width. Long.MIN_VALUE is never a row's token (Murmur3 maps it to MAX_VALUE),
 * so the first range may exclude it and the ranges still cover every row exactly once.
 */
final class TokenRanges {

    /** {@code start < token <= end}. */
    record Range(long start, long end) {}

    private TokenRanges() {}

    /** {@code token(pk) > ? AND token(pk) <= ?}: the rows of one range, bound with its start and end. */
    static String where(TableMetadata table) {
        String token = table.getPartitionKey().stream()
                .map(column -> column.getName().asCql(true))
                .collect(joining(", ", "token(", ")"));
        return token + " > ? AND " + token + " <= ?";
    }

    static List<Range> split(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one range, got " + count);
        }
        BigInteger first = BigInteger.valueOf(Long.MIN_VALUE);
        BigInteger width = BigInteger.valueOf(Long.MAX_VALUE).subtract(first);
        List<Range> ranges = new ArrayList<>(count);
        BigInteger parts = BigInteger.valueOf(count);
        long start = Long.MIN_VALUE;
        for (int i = 1; i <= count; i++) {
            long end = first.add(width.multiply(BigInteger.valueOf(i)).divide(parts))
                    .longValueExact();
            ranges.add(new Range(start, end));
            start = end;
        }
        return ranges;
    }
}
