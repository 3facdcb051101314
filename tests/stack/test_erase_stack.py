"""users_erase on the compose stack (dags/users_pipeline.py), through the REST API and CQL: a person
is gone from every table, listed, logged without their data, and a rebuild of their run from Kafka
does not bring them back."""

import json
from datetime import UTC, datetime

from .compose_stack import rebuild_of

USERS = 50


def person_rows(session, user_id, run_id):
    """Every row of the person: created_users, users_by_run, and rejected_users rows quoting the id."""
    created = session.execute("SELECT id FROM created_users WHERE id = %s", (user_id,)).all()
    by_run = [row for row in session.execute("SELECT run_id, id FROM users_by_run") if row.id == user_id]
    rejected = [row for row in session.execute("SELECT raw FROM rejected_users") if str(user_id) in row.raw.lower()]
    return {"created_users": len(created), "users_by_run": len(by_run), "rejected_users": len(rejected)}


def test_an_erased_person_is_gone_from_every_table_and_stays_gone_after_a_rebuild(api, session):
    run_id = api.trigger(users_count=USERS)
    assert api.wait_for_run(run_id) == "success", api.task_instances(run_id)
    person = session.execute("SELECT id, first_name, last_name, email FROM created_users WHERE run_id = %s"
                             " LIMIT 1 ALLOW FILTERING", (run_id,)).one()
    # A rejected copy of the person too: the job keeps a record it refuses, raw, in rejected_users.
    session.execute("INSERT INTO rejected_users (run_id, bucket, kafka_partition, kafka_offset, reason, raw,"
                    " rejected_at) VALUES (%s, 0, 0, 999999999, 'a test rejection', %s, %s)",
                    (run_id, json.dumps({"id": str(person.id).upper(), "email": person.email}), datetime.now(UTC)))
    assert person_rows(session, person.id, run_id) == {"created_users": 1, "users_by_run": 1, "rejected_users": 1}

    erase = api.of_dag("users_erase")
    erase_run = erase.trigger(user_id=str(person.id))
    assert erase.wait_for_run(erase_run) == "success", erase.task_instances(erase_run)

    assert person_rows(session, person.id, run_id) == {"created_users": 0, "users_by_run": 0, "rejected_users": 0}
    listed = session.execute("SELECT run_id FROM erased_users WHERE id = %s", (person.id,)).one()
    assert listed.run_id == run_id
    summary = erase.summary(erase_run, "erase_user")
    assert (summary["erased_id"], summary["left"]) == (str(person.id), 0)
    assert (summary["created_users"], summary["users_by_run"], summary["rejected_users"]) == (1, 1, 1)
    log = json.dumps(erase.log_events(erase_run, "erase_user", 1))
    assert str(person.id) in log
    for data in (person.email, person.first_name, person.last_name):
        assert data not in log, "the erasure's log names the person"

    rebuild, rebuild_run, state = rebuild_of(api, run_id)
    assert state == "success", rebuild.task_instances(rebuild_run)
    assert person_rows(session, person.id, run_id)["created_users"] == 0, "the rebuild brought the person back"
    verified = rebuild.summary(rebuild_run, "verify_cassandra")
    assert (verified["found"], verified["erased"]) == (USERS - 1, 1)
