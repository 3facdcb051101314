package io.github.userspipeline.task.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.userspipeline.task.contract.SchemaMigrations.Migration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaMigrationsTest {

    @Test
    void theKeyspaceStatementIsPackagedWithItsReplicationFilledIn() {
        assertThat(SchemaMigrations.keyspaceStatement("{'class': 'NetworkTopologyStrategy', 'dc1': 3}"))
                .isEqualTo("CREATE KEYSPACE IF NOT EXISTS " + StorageLayout.KEYSPACE + "\n"
                        + "  WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}");
    }

    @Test
    void theRepositorysMigrationsAreNumberedInOrderAndIdempotent() {
        assertThat(SchemaMigrations.ALL).extracting(Migration::version).startsWith(1, 2);
        assertThat(SchemaMigrations.LATEST).isEqualTo(SchemaMigrations.ALL.size());
        assertThat(SchemaMigrations.ALL.get(0).statements())
                .first()
                .asString()
                .startsWith("CREATE TABLE IF NOT EXISTS " + StorageLayout.qualified(StorageLayout.SCHEMA_MIGRATIONS));
        // Applied again after a cut-short attempt, every statement must change nothing.
        assertThat(SchemaMigrations.ALL)
                .flatExtracting(Migration::statements)
                .allMatch(statement -> statement.contains(" IF NOT EXISTS "), "idempotent (IF NOT EXISTS)")
                .noneMatch(statement -> statement.contains("--") || statement.contains("${"));
    }

    @Test
    void aMigrationIsItsHeadersNameAndTheStatementsUpToTheNextHeader() {
        assertThat(SchemaMigrations.parse(
                        "-- a comment\n-- migration 1: two tables\nCREATE TABLE IF NOT EXISTS a (x int PRIMARY KEY);\n"
                                + "CREATE TABLE IF NOT EXISTS b (y int PRIMARY KEY);\n-- migration 2: a column\n"
                                + "ALTER TABLE a ADD IF NOT EXISTS z text;\n"))
                .containsExactly(
                        new Migration(
                                1,
                                "two tables",
                                List.of(
                                        "CREATE TABLE IF NOT EXISTS a (x int PRIMARY KEY)",
                                        "CREATE TABLE IF NOT EXISTS b (y int PRIMARY KEY)")),
                        new Migration(2, "a column", List.of("ALTER TABLE a ADD IF NOT EXISTS z text")));
    }

    @Test
    void aGapOrAnEmptyMigrationIsRefused() {
        assertThatThrownBy(() -> SchemaMigrations.parse("-- migration 1: a\nSELECT 1;\n-- migration 3: c\nSELECT 1;"))
                .hasMessageContaining("migration 3 where 2 belongs");
        assertThatThrownBy(() -> SchemaMigrations.parse("-- migration 1: a\n-- only a comment\n"))
                .hasMessageContaining("migration 1 has no statement");
        assertThatThrownBy(() -> SchemaMigrations.parse("CREATE TABLE x (a int PRIMARY KEY);"))
                .hasMessageContaining("no '-- migration N");
    }
}
