"""A backfill on the compose stack, as Airflow 3 runs it: through the scheduler, started with
`POST /api/v2/backfills` (the UI's *Backfill* does the same). Two days, each run verified, and the
Users report has both."""

from .compose_stack import AIRFLOW_URL, DAG_ID, wait_until

USERS = 200
DAYS = ("2026-11-01T00:00:00+00:00", "2026-11-02T00:00:00+00:00")


def test_a_two_day_backfill_runs_and_verifies_each_day_and_the_users_report_lists_both(api, cassandra_rows):
    backfill = api.call_api("POST", "/backfills", json={
        "dag_id": DAG_ID, "from_date": DAYS[0], "to_date": DAYS[-1], "run_backwards": False,
        "dag_run_conf": {"users_count": USERS}, "reprocess_behavior": "none", "max_active_runs": 1})

    def backfill_runs():
        return [r for r in api.runs() if r["run_type"] == "backfill"]

    runs = wait_until(lambda: len(backfill_runs()) == len(DAYS) and backfill_runs(), 300, "the backfill's runs")
    assert sorted(r["logical_date"].replace("Z", "+00:00") for r in runs) == list(DAYS)
    for run in runs:
        run_id = run["dag_run_id"]
        assert api.wait_for_run(run_id) == "success", api.task_instances(run_id)
        # Random users, seeded by the run id: each day gets its own, each verified.
        assert api.summary(run_id, "fetch_users")["produced"] == USERS
        assert api.summary(run_id, "verify_cassandra")["found"] == USERS
        assert cassandra_rows(run_id) == (USERS, USERS)
        report = api.session.get(f"{AIRFLOW_URL}/users-report/api/dags/{DAG_ID}/runs/{run_id}", timeout=30)
        assert report.status_code == 200, report.text
    page = api.session.get(f"{AIRFLOW_URL}/users-report/", timeout=30)
    assert page.status_code == 200
    assert all(run["dag_run_id"] in page.text for run in runs), "the report's trend lacks a backfilled run"
    wait_until(lambda: api.call_api("GET", f"/backfills/{backfill['id']}")["completed_at"], 120,
               "the backfill to be marked completed")
