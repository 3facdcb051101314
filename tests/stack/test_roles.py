"""Least privilege on the compose stack's real Cassandra (compose/cassandra-init.sh): each of the
three roles may do its step's work and is refused the rest; migrate-schema has recorded every
migration."""

import os
import re
from pathlib import Path

import pytest
from cassandra import Unauthorized

from run_rows import keyspace_session

from .compose_stack import CASSANDRA, SECRETS, compose, secret

MIGRATIONS = (Path(__file__).resolve().parents[2] / "schema" / "migrations.cql").read_text(encoding="utf-8")
LATEST = max(int(n) for n in re.findall(r"(?m)^-- migration (\d+):", MIGRATIONS))
# A row that no run writes: the writing role proves it may write, and removes it again.
PROBE = ("INSERT INTO rejected_users (run_id, bucket, kafka_partition, kafka_offset, reason)"
         " VALUES ('test_roles', 0, 0, 0, 'probe')")


def role(kind):
    """(username, password) of a role as compose gives them; the migrator's secret is readable by root
    and migrate-schema's uid only."""
    variable = {"pipeline": "USERS_PIPELINE_CASSANDRA", "reader": "USERS_PIPELINE_CASSANDRA_READER",
                "migrator": "USERS_PIPELINE_CASSANDRA_MIGRATOR"}[kind]
    default = {"pipeline": "users_pipeline", "reader": "users_pipeline_reader",
               "migrator": "users_pipeline_migrator"}[kind]
    if kind == "migrator":
        password = compose("exec", "-T", "--user", "0", "airflow-apiserver", "cat",
                           f"{SECRETS}/{variable}_PASSWORD").stdout
    else:
        password = secret(f"{variable}_PASSWORD")
    return os.environ.get(f"{variable}_USERNAME", default), password


@pytest.fixture(scope="module", params=["pipeline", "reader", "migrator"])
def login(request):
    with keyspace_session(CASSANDRA, *role(request.param)) as session:
        yield request.param, session


def refused(session, statement):
    with pytest.raises(Unauthorized):
        session.execute(statement)


def test_no_role_may_create_or_drop_a_keyspace(login):
    _, session = login
    refused(session, "CREATE KEYSPACE IF NOT EXISTS test_roles_other"
                     " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    refused(session, "DROP KEYSPACE spark_streams")


def test_only_the_migrator_may_create_or_alter_a_table(login):
    kind, session = login
    if kind == "migrator":
        session.execute("CREATE TABLE IF NOT EXISTS test_roles_probe (id int PRIMARY KEY)")
        session.execute("ALTER TABLE test_roles_probe ADD IF NOT EXISTS note text")
        session.execute("DROP TABLE test_roles_probe")
        # Its CREATE is this keyspace's only (Cassandra authorizes before it looks for the keyspace).
        refused(session, "CREATE TABLE IF NOT EXISTS test_roles_other.probe (id int PRIMARY KEY)")
    else:
        refused(session, "CREATE TABLE IF NOT EXISTS test_roles_probe (id int PRIMARY KEY)")
        refused(session, "ALTER TABLE created_users ADD IF NOT EXISTS test_roles_probe text")
        refused(session, "DROP TABLE created_users")


def test_the_reader_only_reads(login):
    kind, session = login
    assert session.execute("SELECT count(*) FROM schema_migrations").one()[0] >= 1
    if kind == "reader":
        refused(session, PROBE)
        refused(session, "DELETE FROM created_users WHERE id = 6577ccfc-a3c6-49d0-bb86-ddca8faf0d11")
        refused(session, "TRUNCATE created_users")
    else:
        session.execute(PROBE)
        session.execute("DELETE FROM rejected_users WHERE run_id = 'test_roles' AND bucket = 0")


def test_every_migration_is_recorded_once_as_migrate_schema_applied_it(session):
    versions = sorted(row.version for row in session.execute("SELECT version FROM schema_migrations"))
    assert versions == list(range(1, LATEST + 1))
    columns = {row.column_name for row in session.execute(
        "SELECT column_name FROM system_schema.columns WHERE keyspace_name = 'spark_streams'"
        " AND table_name = 'created_users'")}
    assert "cell" in columns
