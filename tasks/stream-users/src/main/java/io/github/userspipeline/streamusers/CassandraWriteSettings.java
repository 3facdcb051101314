package io.github.userspipeline.streamusers;

import com.datastax.spark.connector.cql.CassandraConnector;
import io.github.userspipeline.task.CassandraConnection;
import java.io.Serializable;
import org.apache.spark.SparkConf;

/**
 * How the job writes to Cassandra: the shared connection settings and stream-users' own write
 * tuning and the TTL. Its {@code toString} leaves out the password
 * ({@link CassandraConnection#toString}).
 *
 * @param ttlSeconds       time to live of every written row; 0 keeps rows forever
 * @param writesInFlight   asynchronous writes one writer task keeps in flight
 * @param batchRows        users_by_run ids sent in one single-partition batch
 * @param consistencyLevel of every write, e.g. LOCAL_QUORUM
 */
public record CassandraWriteSettings(
        CassandraConnection connection, int ttlSeconds, int writesInFlight, int batchRows, String consistencyLevel)
        implements Serializable {

    /** The connector's session factory for these settings; serializable, so executors open their own sessions. */
    public CassandraConnector connector() {
        SparkConf conf = new SparkConf(false)
                .set("spark.cassandra.connection.host", connection.contactPoints())
                .set("spark.cassandra.connection.localDC", connection.localDc())
                .set("spark.cassandra.connection.timeoutMS", Long.toString(connection.connectTimeoutSeconds() * 1000L))
                .set("spark.cassandra.read.timeoutMS", Long.toString(connection.requestTimeoutSeconds() * 1000L))
                // An executor keeps its session between micro-batches instead of reconnecting each time.
                .set("spark.cassandra.connection.keepAliveMS", "60000");
        if (!connection.username().isEmpty()) {
            conf.set("spark.cassandra.auth.username", connection.username())
                    .set("spark.cassandra.auth.password", connection.password());
        }
        return CassandraConnector.apply(conf);
    }
}
