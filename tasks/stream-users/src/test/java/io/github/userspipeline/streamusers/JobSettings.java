package io.github.userspipeline.streamusers;

import io.github.userspipeline.task.TaskMain;
import io.github.userspipeline.testsupport.CassandraNode;
import io.github.userspipeline.testsupport.KafkaBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The job's configuration for a test, as the environment variables the DAG sets: the same map
 * configures an in-process job ({@link #args}) and a spark-submit run (its environment).
 */
final class JobSettings {

    private JobSettings() {}

    static Map<String, String> forServers(KafkaBroker kafka, CassandraNode cassandra, String topic, Path checkpoint) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        environment.put("KAFKA_TOPIC", topic);
        environment.put(
                "STREAM_CHECKPOINT_LOCATION", checkpoint.toAbsolutePath().toString());
        environment.put("CASSANDRA_CONTACT_POINTS", cassandra.contactPoint());
        environment.put("CASSANDRA_LOCAL_DC", cassandra.localDatacenter());
        environment.put("CASSANDRA_USERNAME", cassandra.username());
        environment.put("CASSANDRA_PASSWORD", cassandra.password());
        return environment;
    }

    /** {@code KAFKA_TOPIC=x} → {@code --kafka-topic=x}: the options the variables stand for. */
    static String[] args(Map<String, String> environment) {
        List<String> args = new ArrayList<>();
        environment.forEach(
                (name, value) -> args.add("--" + name.toLowerCase(Locale.ROOT).replace('_', '-') + "=" + value));
        return args.toArray(String[]::new);
    }

    /** The job as TaskMain would configure it from {@code environment}. */
    static StreamUsers job(Map<String, String> environment) {
        return TaskMain.configure(new StreamUsers(), args(environment));
    }
}
