"""A run's rows in Cassandra, counted by the tests themselves with the Python driver (independent of
the pipeline's Java code): used by the end-to-end tests of tests/e2e and tests/stack."""

import re
from contextlib import contextmanager
from pathlib import Path

from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster

# The keyspace as the one schema file creates it (the Java code has it from StorageLayout, which
# StorageLayoutTest holds to the same file).
SCHEMA = Path(__file__).resolve().parent.parent / "schema" / "users.cql"
KEYSPACE = re.search(r"CREATE KEYSPACE IF NOT EXISTS (\w+)", SCHEMA.read_text(encoding="utf-8")).group(1)


@contextmanager
def keyspace_session(contact_point, username, password):
    """A CQL session on the pipeline's keyspace, closed at the end."""
    host, port = contact_point.rsplit(":", 1)
    cluster = Cluster([host], port=int(port), auth_provider=PlainTextAuthProvider(username, password))
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
