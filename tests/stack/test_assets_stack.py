"""The Asset of users_pipeline on the compose stack (plugins/users_pipeline_assets.py), through the
REST API: a verified run updates it with its counts, and the example consumer, once unpaused, runs
on that event. (A failed run updates nothing: tests/stack/test_alerts_stack.py.)"""

import airflow  # noqa: F401 (its import puts plugins/, AIRFLOW__CORE__PLUGINS_FOLDER of conftest.py, on the path)
from users_pipeline_assets import EVENT_COUNTS

from .compose_stack import FINAL_STATES, wait_until

CONSUMER = "users_consumer_example"
USERS = 200


def test_a_verified_run_updates_the_asset_with_its_counts_and_its_consumer_runs_on_it(api):
    # Paused at creation, as a new user finds it: a paused DAG gets no runs queued.
    assert api.call_api("GET", f"/dags/{CONSUMER}")["is_paused"] is True
    api.call_api("PATCH", f"/dags/{CONSUMER}", json={"is_paused": False})
    try:
        run_id = api.trigger(users_count=USERS)
        assert api.wait_for_run(run_id) == "success"
        summary = api.summary(run_id, "verify_cassandra")
        events = api.asset_events(run_id)
        assert len(events) == 1, f"the verified run emitted {len(events)} events of the Asset: {events}"
        event = events[0]
        assert event["extra"] == {key: summary[key] for key in EVENT_COUNTS}
        assert (event["extra"]["run_id"], event["extra"]["found"]) == (run_id, USERS)

        def consumer_run_on_this_event():
            for run in api.call_api("GET", f"/dags/{CONSUMER}/dagRuns", params={"limit": 100})["dag_runs"]:
                events = api.call_api("GET", f"/dags/{CONSUMER}/dagRuns/{run['dag_run_id']}/upstreamAssetEvents")
                if any(e["source_run_id"] == run_id for e in events["asset_events"]):
                    return run
            return None

        consumer_run = wait_until(consumer_run_on_this_event, 300, "the consumer's run on the event")
        assert consumer_run["run_type"] == "asset_triggered"
        consumer_run_path = f"/dags/{CONSUMER}/dagRuns/{consumer_run['dag_run_id']}"
        final = wait_until(lambda: (state := api.call_api("GET", consumer_run_path)["state"]) in FINAL_STATES and state,
                           300, "the consumer's run to end")
        assert final == "success"
    finally:
        api.call_api("PATCH", f"/dags/{CONSUMER}", json={"is_paused": True})
