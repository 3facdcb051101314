package io.github.userspipeline.streamusers;

import com.datastax.spark.connector.cql.CassandraConnector;
import java.io.Serializable;
import org.apache.spark.SparkConf;

/**
 * Where and how the job writes: the Cassandra connection (contact points, credentials), the
 * keyspace's replication, the TTL and the write settings the sink is tuned with.
 *
 * @param contactPoints    {@code host:port} list, comma-separated, as CASSANDRA_CONTACT_POINTS of every task
 * @param username         empty for a cluster without authentication
 * @param replication      CQL replication map substituted for {@code ${replication}} in schema/users.cql
 * @param ttlSeconds       time to live of every written row; 0 keeps rows forever
 * @param writesInFlight   asynchronous writes one writer task keeps in flight
 * @param batchRows        users_by_run ids sent in one single-partition batch
 * @param consistencyLevel of every write, e.g. LOCAL_QUORUM
 */
public record CassandraSettings(String contactPoints, String localDatacenter, String username, String password,
        String replication, int ttlSeconds, int writesInFlight, int batchRows, String consistencyLevel,
        int connectTimeoutSeconds, int requestTimeoutSeconds) implements Serializable {

    /** The connector's session factory for these settings; serializable, so executors open their own sessions. */
    public CassandraConnector connector() {
        SparkConf conf = new SparkConf(false)
                .set("spark.cassandra.connection.host", contactPoints)
                .set("spark.cassandra.connection.localDC", localDatacenter)
                .set("spark.cassandra.connection.timeoutMS", Long.toString(connectTimeoutSeconds * 1000L))
                .set("spark.cassandra.read.timeoutMS", Long.toString(requestTimeoutSeconds * 1000L))
                // An executor keeps its session between micro-batches instead of reconnecting each time.
                .set("spark.cassandra.connection.keepAliveMS", "60000");
        if (!username.isEmpty()) {
            conf.set("spark.cassandra.auth.username", username).set("spark.cassandra.auth.password", password);
        }
        return CassandraConnector.apply(conf);
    }

    /** Every setting but the password, which would otherwise end up in logs and exception messages. */
    @Override
    public String toString() {
        return "CassandraSettings[contactPoints=" + contactPoints + ", localDatacenter=" + localDatacenter
                + ", username=" + username + ", password=" + (password.isEmpty() ? "" : "(redacted)")
                + ", replication=" + replication + ", ttlSeconds=" + ttlSeconds + ", writesInFlight=" + writesInFlight
                + ", batchRows=" + batchRows + ", consistencyLevel=" + consistencyLevel + ", connectTimeoutSeconds="
                + connectTimeoutSeconds + ", requestTimeoutSeconds=" + requestTimeoutSeconds + "]";
    }

    /** Where the job connects, for messages. */
    public String address() {
        return contactPoints;
    }
}
