package io.github.userspipeline.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.userspipeline.testsupport.randomuser.RandomUserApi;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Every server the pipeline needs, for tests written outside the JVM (the Airflow end-to-end
 * tests in {@code tests/e2e}): the randomuser stand-in, a Kafka broker, a Cassandra node and a
 * Spark master + worker, started as the Java tests start them, all on 127.0.0.1.
 *
 * <p>Usage: {@code mvn -q -pl test-support exec:java -Dexec.mainClass=…PipelineServers}. Once
 * every server is up it prints one JSON line of their addresses on stdout, then obeys commands on
 * stdin, answering each with a line {@code ok <command>}: {@code stop cassandra}, {@code start
 * cassandra}. End of input stops everything.
 */
public final class PipelineServers {

    private PipelineServers() {}

    public static void main(String[] args) throws Exception {
        // Start side by side: Cassandra's half minute dominates.
        CompletableFuture<KafkaBroker> kafkaStart =
                CompletableFuture.supplyAsync(() -> RealServers.start(KafkaBroker.class));
        CompletableFuture<CassandraNode> cassandraStart =
                CompletableFuture.supplyAsync(() -> RealServers.start(CassandraNode.class));
        CompletableFuture<SparkCluster> sparkStart =
                CompletableFuture.supplyAsync(() -> RealServers.start(SparkCluster.class));
        try (RandomUserApi randomUser = RandomUserApi.start();
                KafkaBroker kafka = kafkaStart.join();
                CassandraNode cassandra = cassandraStart.join();
                SparkCluster spark = sparkStart.join()) {
            Map<String, String> addresses = new LinkedHashMap<>();
            addresses.put("randomuser_url", randomUser.baseUrl());
            addresses.put("kafka_bootstrap_servers", kafka.bootstrapServers());
            addresses.put("cassandra_contact_point", cassandra.contactPoint());
            addresses.put("cassandra_username", cassandra.username());
            addresses.put("cassandra_password", cassandra.password());
            addresses.put("spark_master_url", spark.masterUrl());
            addresses.put("spark_master_web_ui_url", spark.masterWebUiUrl());
            System.out.println(new ObjectMapper().writeValueAsString(addresses));
            System.out.flush();

            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String command; (command = commands.readLine()) != null; ) {
                switch (command.strip()) {
                    case "stop cassandra" -> cassandra.stop();
                    case "start cassandra" -> cassandra.start();
                    default -> {
                        System.out.println("unknown command: " + command);
                        continue;
                    }
                }
                System.out.println("ok " + command.strip());
                System.out.flush();
            }
        }
    }
}
