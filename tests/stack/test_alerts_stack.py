"""The alerts on the compose stack, read where an operator reads them: the stack's Mailpit (its REST
API on MAILPIT_PORT). script/compose-e2e.sh runs the stack with USERS_PIPELINE_LATE_AFTER_MINUTES=1
and retries 15 s apart. One run is made to fail for good: Cassandra is stopped before it starts, so
every try of submit_spark fails. Its retries hold it past its deadline, so it is late while it
still runs; then it fails, and the operators get exactly one mail with the reason."""

from datetime import UTC, datetime
from html import unescape
from urllib.parse import quote

import pytest
import requests

from .compose_stack import AIRFLOW_PORT, DAG_ID, MAILPIT_URL, compose, healthy, wait_until

# The recipients of the stack's default (USERS_PIPELINE_ALERT_EMAIL_TO of .env.example).
OPERATORS = "operators@users-pipeline.local"


def mails(subject_start):
    """The mails in Mailpit whose subject starts so: [{"ID", "Subject", "To", …}]."""
    response = requests.get(f"{MAILPIT_URL}/api/v1/messages", params={"limit": 1000}, timeout=30)
    response.raise_for_status()
    return [m for m in response.json()["messages"] if m["Subject"].startswith(subject_start)]


def text_of(mail):
    response = requests.get(f"{MAILPIT_URL}/api/v1/message/{mail['ID']}", timeout=30)
    response.raise_for_status()
    return response.json()["HTML"]


@pytest.fixture(scope="module")
def failed_run(api):
    """A run whose submit_spark fails on every try; what Mailpit and the API said of it, and when."""
    # Alone, not behind a run of the tests before (one active run at a time): it runs at once.
    wait_until(lambda: not [r for r in api.runs() if r["state"] in ("queued", "running")], 1500,
               "the runs before to end")
    compose("stop", "cassandra")
    try:
        # A logical date, as a daily run has: the deadline counts from it (a run triggered without
        # one has no deadline).
        run_id = api.trigger(logical_date=datetime.now(UTC).isoformat(), users_count=100)
        late_subject = f"[{DAG_ID}] run {run_id} is not verified by "
        late = wait_until(lambda: mails(late_subject), 900, "the lateness mail")
        state_when_late = api.run_state(run_id)
        final_state = api.wait_for_run(run_id)
    finally:
        compose("start", "cassandra")
    failed_subject = f"[{DAG_ID}] submit_spark failed in run {run_id}"
    failure_mails = wait_until(lambda: mails(failed_subject), 120, "the failure mail")
    wait_until(lambda: healthy("cassandra"), 300, "Cassandra to be healthy again")
    return {"run_id": run_id, "late": late, "state_when_late": state_when_late, "final_state": final_state,
            "failure_mails": failure_mails}


def test_a_run_failed_for_good_mails_the_operators_once_with_its_reason_and_link(api, failed_run):
    run_id = failed_run["run_id"]
    assert failed_run["final_state"] == "failed"
    assert api.task_instances(run_id)["submit_spark"][0] == "failed"
    # Not verified: the users table's Asset got no event from it.
    assert api.asset_events(run_id) == []
    # Exactly one failure mail for the run: none for the tries that were retried, none for
    # verify_cassandra, which never ran (upstream_failed).
    failure_mails = [m for m in mails(f"[{DAG_ID}] ") if m["Subject"].endswith(f" failed in run {run_id}")]
    assert [m["ID"] for m in failure_mails] == [m["ID"] for m in failed_run["failure_mails"]]
    assert len(failure_mails) == 1
    mail = failure_mails[0]
    assert [to["Address"] for to in mail["To"]] == [OPERATORS]
    body = unescape(text_of(mail))
    # The reason is the failed try's own: its summary's `failure`, as the API gives it.
    reason = api.summary(run_id, "submit_spark")["failure"]
    assert "Cassandra" in reason
    assert f"Reason: {reason}" in body
    # The link to the run, at the UI's address (USERS_PIPELINE_AIRFLOW_UI_URL of docker-compose.yml).
    assert f"http://localhost:{AIRFLOW_PORT}/dags/{DAG_ID}/runs/{quote(run_id, safe='')}" in body


def test_a_run_held_past_its_deadline_mails_that_it_is_late_while_it_still_runs(failed_run):
    assert len(failed_run["late"]) == 1
    assert failed_run["state_when_late"] == "running"
