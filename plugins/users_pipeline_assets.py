"""What users_pipeline delivers, as an Airflow Asset that other DAGs can be scheduled on (issue 25):
Cassandra's users table. verify_cassandra updates it only when a run is proven, and its event
carries the run's counts (`EVENT_COUNTS` of verify-cassandra's summary).

In plugins/, not dags/: both users_pipeline and the consumers import it, and a module in dags/
would be parsed as a DAG file.
"""

import os

from airflow.sdk import Asset

# Where the pipeline's users are: the first Cassandra contact point, the keyspace and table of
# schema/keyspace.cql and schema/migrations.cql (test_assets holds them to those files).
CONTACT_POINT = os.getenv("USERS_PIPELINE_CASSANDRA_CONTACT_POINTS", "cassandra:9042").split(",")[0]
VERIFIED_USERS = Asset(name="users_pipeline_verified_users",
                       uri=f"cassandra://{CONTACT_POINT}/spark_streams/created_users")
# The summary's figures that the event carries: which run, and what verify found of it.
EVENT_COUNTS = ("run_id", "expected", "found", "rejected", "found_digest")


def event_extra(summary):
    """The event's metadata, from verify-cassandra's summary line."""
    return {key: summary[key] for key in EVENT_COUNTS if key in summary}
