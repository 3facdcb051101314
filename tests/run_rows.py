"""A run's rows in Cassandra, counted by the tests themselves with the Python driver (independent of
the pipeline's Java code): used by the end-to-end tests of tests/e2e and tests/stack."""

from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster

# schema/users.cql: users_by_run is partitioned by (run_id, bucket), 16 buckets.
BUCKETS = 16


def run_rows(contact_point, username, password, run_id):
    """(created_users rows whose run_id is this run's, users_by_run rows of this run)."""
    host, port = contact_point.rsplit(":", 1)
    cluster = Cluster([host], port=int(port), auth_provider=PlainTextAuthProvider(username, password))
    try:
        session = cluster.connect("spark_streams")
        users = sum(1 for row in session.execute("SELECT run_id FROM created_users") if row.run_id == run_id)
        by_run = sum(session.execute("SELECT count(*) FROM users_by_run WHERE run_id = %s AND bucket = %s",
                                     (run_id, bucket)).one()[0] for bucket in range(BUCKETS))
        return users, by_run
    finally:
        cluster.shutdown()
