package io.github.userspipeline.verifycassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ReadRetriesTest {

    @Test
    void aReadTheReplicasDidNotAnswerInTimeIsTriedAgain() {
        ReadTimeoutException timedOut =
                new ReadTimeoutException(null, DefaultConsistencyLevel.LOCAL_QUORUM, 1, 2, false);
        assertThat(ReadRetries.isTransient(timedOut)).isTrue();
        assertThat(ReadRetries.isTransient(new CompletionException(timedOut))).isTrue();
        assertThat(ReadRetries.isTransient(new DriverTimeoutException("Query timed out after PT10S")))
                .isTrue();
    }

    @Test
    void tooFewLiveReplicasAndBadQueriesFailAtOnce() {
        assertThat(ReadRetries.isTransient(new UnavailableException(null, DefaultConsistencyLevel.LOCAL_QUORUM, 2, 1)))
                .isFalse();
        assertThat(ReadRetries.isTransient(new InvalidQueryException(null, "unconfigured table")))
                .isFalse();
    }
}
