"""users_rebuild on the compose stack (dags/users_pipeline.py), through the REST API and CQL: a run
whose rows were deleted comes back from Kafka, verified against its original digest, with every
other row untouched; a run whose records Kafka no longer holds fails the rebuild, which writes nothing."""

import json
import os

import pytest

from .compose_stack import compose, rebuild_of

USERS = 200


@pytest.fixture(scope="module")
def verified_run(api):
    """One verified run for both tests, in this order: rebuilt first, then its records deleted."""
    run_id = api.trigger(users_count=USERS)
    assert api.wait_for_run(run_id) == "success", api.task_instances(run_id)
    return run_id


def rows(session):
    """Every row of the two tables that hold users, as sets."""
    created = {(row.id, row.run_id) for row in session.execute("SELECT id, run_id FROM created_users")}
    by_run = {tuple(row) for row in session.execute("SELECT run_id, bucket, id FROM users_by_run")}
    return created, by_run


def delete_run_rows(session, run_id):
    """What a lost run looks like: none of its rows in created_users or users_by_run."""
    created, by_run = rows(session)
    for user_id, run in created:
        if run == run_id:
            session.execute("DELETE FROM created_users WHERE id = %s", (user_id,))
    for run, bucket, user_id in by_run:
        if run == run_id:
            session.execute("DELETE FROM users_by_run WHERE run_id = %s AND bucket = %s AND id = %s",
                            (run, bucket, user_id))


def run_row_counts(session, run_id):
    created, by_run = rows(session)
    return sum(run == run_id for _, run in created), sum(row[0] == run_id for row in by_run)


def test_a_run_whose_rows_were_deleted_comes_back_verified_and_nothing_else_changes(api, session,
                                                                                    verified_run):
    run_id = verified_run
    before = rows(session)
    delete_run_rows(session, run_id)
    assert run_row_counts(session, run_id) == (0, 0)

    rebuild, rebuild_run, state = rebuild_of(api, run_id)

    assert state == "success", rebuild.task_instances(rebuild_run)
    assert rows(session) == before, "the run's rows are back as they were, and no other row changed"
    assert run_row_counts(session, run_id) == (USERS, USERS)
    produced = api.summary(run_id, "fetch_users")
    verified = rebuild.summary(rebuild_run, "verify_cassandra")
    assert (verified["run_id"], verified["found_digest"]) == (run_id, produced["ids_digest"])
    assert rebuild.summary(rebuild_run, "rebuild_users")["written"] == USERS


def delete_topic_records(topic="users_created"):
    """Deletes every record the topic holds now, as retention deletes expired ones (the log start
    offset moves past them)."""
    ends = compose("exec", "-T", "-e", "KAFKA_HEAP_OPTS=-Xmx128m", "kafka", "/opt/kafka/bin/kafka-get-offsets.sh",
                   "--bootstrap-server", "localhost:9092", "--topic", topic, "--time", "-1").stdout.split()
    partitions = [{"topic": topic, "partition": int(partition), "offset": int(offset)}
                  for _, partition, offset in (line.split(":") for line in ends)]
    offsets = json.dumps({"version": 1, "partitions": partitions})
    compose("exec", "-T", "-e", "KAFKA_HEAP_OPTS=-Xmx128m", "kafka", "bash", "-c",
            "cat > /tmp/delete-records.json && /opt/kafka/bin/kafka-delete-records.sh --bootstrap-server localhost:9092"
            " --offset-json-file /tmp/delete-records.json", input=offsets)


def test_a_run_whose_records_expired_fails_the_rebuild_with_the_reason_and_writes_nothing(api, session,
                                                                                         verified_run):
    run_id = verified_run
    delete_topic_records()
    delete_run_rows(session, run_id)

    rebuild, rebuild_run, state = rebuild_of(api, run_id)

    assert state == "failed"
    assert rebuild.task_instances(rebuild_run)["rebuild_users"][0] == "failed"
    failure = rebuild.summary(rebuild_run, "rebuild_users")["failure"]
    assert f"Kafka no longer holds run {run_id}" in failure, failure
    assert "nothing was written" in failure
    assert run_row_counts(session, run_id) == (0, 0), "no partial rebuild"


@pytest.mark.parametrize("topic", ["users_created", "users_created_dlq"])
def test_the_topics_keep_records_as_long_as_the_retention_setting_says(topic):
    configs = compose("exec", "-T", "-e", "KAFKA_HEAP_OPTS=-Xmx128m", "kafka", "/opt/kafka/bin/kafka-configs.sh",
                      "--bootstrap-server", "localhost:9092", "--describe", "--entity-type", "topics",
                      "--entity-name", topic).stdout
    hours = int(os.environ.get("USERS_PIPELINE_KAFKA_RETENTION_HOURS", "168"))
    assert f"retention.ms={hours * 3_600_000}" in configs, configs
