package io.github.userspipeline.verifycassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenRangesTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 64, 1000})
    void rangesCoverTheWholeRingWithoutGapsOrOverlaps(int count) {
        List<TokenRanges.Range> ranges = TokenRanges.split(count);

        assertThat(ranges).hasSize(count);
        assertThat(ranges.get(0).start()).isEqualTo(Long.MIN_VALUE);
        assertThat(ranges.get(count - 1).end()).isEqualTo(Long.MAX_VALUE);
        for (int i = 1; i < count; i++) {
            assertThat(ranges.get(i).start()).isEqualTo(ranges.get(i - 1).end());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 64})
    void rangesHaveNearlyEqualWidths(int count) {
        List<BigInteger> widths = TokenRanges.split(count).stream()
                .map(range -> BigInteger.valueOf(range.end()).subtract(BigInteger.valueOf(range.start())))
                .toList();

        BigInteger smallest = widths.stream().min(BigInteger::compareTo).orElseThrow();
        BigInteger largest = widths.stream().max(BigInteger::compareTo).orElseThrow();
        assertThat(largest.subtract(smallest)).isLessThanOrEqualTo(BigInteger.ONE);
    }

    @Test
    void refusesZeroRanges() {
        assertThatThrownBy(() -> TokenRanges.split(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
