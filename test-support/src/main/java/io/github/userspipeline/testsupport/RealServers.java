package io.github.userspipeline.testsupport;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that hands tests the real servers they ask for as parameters
 * ({@code KafkaBroker kafka}). Each server starts on first use, once per test run, and stops
 * when the run ends; its files and logs stay under {@code target/servers/<name>}.
 */
public final class RealServers implements ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(RealServers.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // The root store lives for the whole run and closes its CloseableResource values at the end.
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(KafkaBroker.class, type -> new Running<>(startKafka()), Running.class)
                .server();
    }

    private record Running<T extends AutoCloseable>(T server) implements CloseableResource {
        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    private static KafkaBroker startKafka() {
        try {
            return KafkaBroker.start(Path.of("target", "servers", "kafka"));
        } catch (Exception e) {
            throw new IllegalStateException("could not start the Kafka broker: " + e.getMessage(), e);
        }
    }
}
