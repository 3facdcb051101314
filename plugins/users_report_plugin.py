"""The "Users report" plugin: a page per users_pipeline run, inside the Airflow UI (issue 15).

The pages come from a FastAPI app in the API server (the package users_report); the UI shows
them in an iframe: under Browse, and as a tab of each DAG run. See docs/users-report.md.
"""

from airflow.plugins_manager import AirflowPlugin

from users_report.app import app

NAME = "Users report"


class UsersReportPlugin(AirflowPlugin):
    name = "users_report"
    fastapi_apps = [{"app": app, "url_prefix": "/users-report", "name": NAME}]
    # The UI lists a view only with a url_route (unique across plugins): the nav entry opens at
    # /plugin/users-report, the run tab at /dags/<dag>/runs/<run>/plugin/users-report-run.
    external_views = [
        {"name": NAME, "href": "/users-report/", "url_route": "users-report", "category": "browse"},
        {
            "name": NAME,
            "href": "/users-report/dags/{DAG_ID}/runs/{RUN_ID}",
            "url_route": "users-report-run",
            "destination": "dag_run",
        },
    ]
