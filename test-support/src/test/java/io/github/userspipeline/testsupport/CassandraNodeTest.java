package io.github.userspipeline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServers.class)
class CassandraNodeTest {

    @Test
    void acceptsClientsWithPasswordAuthenticationAndAuthorization(CassandraNode cassandra) throws IOException {
        connect(cassandra);
        assertThat(log(cassandra))
                .contains("authenticator=PasswordAuthenticator")
                .contains("authorizer=CassandraAuthorizer");
    }

    @Test
    void restartsOnItsOwnData(CassandraNode cassandra) throws Exception {
        cassandra.stop();
        assertThatThrownBy(() -> connect(cassandra)).isInstanceOf(IOException.class);

        cassandra.start();

        connect(cassandra);
        // A node on its old data keeps its host id and the superuser it created on first start.
        assertThat(log(cassandra)).doesNotContain("No host ID found").doesNotContain("Created default superuser role");
    }

    private static void connect(CassandraNode cassandra) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(cassandra.host(), cassandra.port()), 5000);
        }
    }

    private static String log(CassandraNode cassandra) throws IOException {
        return Files.readString(cassandra.logFile(), StandardCharsets.ISO_8859_1);
    }
}
