"""A run's rows in Cassandra, counted by the tests themselves with the Python driver (independent of
the pipeline's Java code): used by the end-to-end tests of tests/e2e and tests/stack."""

import re
from contextlib import contextmanager
from pathlib import Path

from cassandra import ConsistencyLevel
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.policies import DCAwareRoundRobinPolicy

# The keyspace as its schema file creates it (the Java code has it from StorageLayout, which
# StorageLayoutTest holds to the same file).
SCHEMA = Path(__file__).resolve().parent.parent / "schema" / "keyspace.cql"
KEYSPACE = re.search(r"CREATE KEYSPACE IF NOT EXISTS (\w+)", SCHEMA.read_text(encoding="utf-8")).group(1)


@contextmanager
def keyspace_session(contact_points, username, password):
    """A CQL session on the pipeline's keyspace, closed at the end. contact_points: host:port, or
    several, comma-separated, on one port."""
    hosts = [point.rsplit(":", 1)[0] for point in contact_points.split(",")]
    port = contact_points.rsplit(":", 1)[1]
    # LOCAL_QUORUM, as the pipeline reads and writes: on a cluster, what a majority of the replicas
    # holds, never one replica's view (on one node with RF 1 it is that node).
    profile = ExecutionProfile(consistency_level=ConsistencyLevel.LOCAL_QUORUM,
                               load_balancing_policy=DCAwareRoundRobinPolicy())
    cluster = Cluster(hosts, port=int(port), auth_provider=PlainTextAuthProvider(username, password),
                      execution_profiles={EXEC_PROFILE_DEFAULT: profile}, protocol_version=5)
    try:
        yield cluster.connect(KEYSPACE)
    finally:
        cluster.shutdown()


def run_rows(contact_point, username, password, run_id):
    """(created_users rows whose run_id is this run's, users_by_run rows of this run)."""
    with keyspace_session(contact_point, username, password) as session:
        users = sum(1 for row in session.execute("SELECT run_id FROM created_users") if row.run_id == run_id)
        # Every bucket of the run, whatever the bucket rule (the test's tables are small: filtering is cheap).
        by_run = session.execute("SELECT count(*) FROM users_by_run WHERE run_id = %s ALLOW FILTERING",
                                 (run_id,)).one()[0]
        return users, by_run


def run_ids(contact_point, username, password, run_id):
    """(ids of the created_users rows whose run_id is this run's, ids of its users_by_run rows), as
    text: the form the records on Kafka carry them in."""
    with keyspace_session(contact_point, username, password) as session:
        users = {str(row.id) for row in session.execute("SELECT id, run_id FROM created_users")
                 if row.run_id == run_id}
        by_run = {str(row.id) for row in session.execute(
            "SELECT id FROM users_by_run WHERE run_id = %s ALLOW FILTERING", (run_id,))}
        return users, by_run
