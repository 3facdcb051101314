package io.github.userspipeline.testsupport;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that hands tests the real servers they ask for as parameters
 * ({@code KafkaBroker kafka}, {@code CassandraNode cassandra}, {@code SparkCluster spark}). Each
 * server starts on first use, once per test run, and stops when the run ends; its files and logs
 * stay under {@code target/servers/<name>}.
 */
public final class RealServers implements ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(RealServers.class);

    /** How each server type starts, in its own directory. */
    private static final Map<Class<?>, Starter> STARTERS = Map.of(
            KafkaBroker.class, () -> KafkaBroker.start(directory("kafka")),
            // With the latest schema, as migrate-schema leaves it before the job runs.
            CassandraNode.class, () -> UsersTables.migrated(CassandraNode.start(directory("cassandra"))),
            // Two cores, as the machine has: one executor that can run the job's tasks side by side.
            SparkCluster.class, () -> SparkCluster.start(directory("spark"), 2, "2g"));

    @FunctionalInterface
    private interface Starter {
        AutoCloseable start() throws Exception;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return STARTERS.containsKey(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        // The root store lives for the whole run and closes its CloseableResource values at the end.
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(type, RealServers::running, Running.class)
                .server();
    }

    private record Running(AutoCloseable server) implements CloseableResource {
        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    private static Running running(Class<?> type) {
        return new Running((AutoCloseable) start(type));
    }

    /** Starts one server as the tests get it, for programs outside JUnit (e.g. {@link PipelineServers}). */
    public static <T> T start(Class<T> type) {
        try {
            return type.cast(STARTERS.get(type).start());
        } catch (Exception e) {
            throw new IllegalStateException("could not start " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static Path directory(String server) {
        return Path.of("target", "servers", server);
    }
}
