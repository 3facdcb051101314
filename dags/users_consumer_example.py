"""An example of a DAG that follows users_pipeline: scheduled on the Asset that verify_cassandra
updates once a run is proven (plugins/users_pipeline_assets.py), it logs what each event carried:
the run and its counts. Paused at creation: unpause it to try; copy it to start a DAG of your own.
"""

import logging

import pendulum
from airflow.sdk import DAG, task
from users_pipeline_assets import VERIFIED_USERS

log = logging.getLogger(__name__)

with DAG(
    dag_id="users_consumer_example",
    description="Follows users_pipeline's verified users (an example)",
    doc_md=__doc__,
    schedule=[VERIFIED_USERS],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    is_paused_upon_creation=True,
    tags=["users-pipeline", "example"],
):

    @task
    def log_verified_runs(triggering_asset_events=None):
        """Every event since this DAG's last run: one per verified run of users_pipeline."""
        events = triggering_asset_events[VERIFIED_USERS]
        for event in events:
            log.info("users_pipeline verified run %s: %s", event.extra.get("run_id"), event.extra)
        return [event.extra for event in events]

    log_verified_runs()
