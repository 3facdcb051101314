"""The "Users report" plugin: a page per users_pipeline run, inside the Airflow UI (issue 15).

The pages come from a FastAPI app in the API server (the package users_report); the UI shows
them in an iframe: under Browse, and as a tab of each DAG run. See docs/users-report.md.
"""

import importlib

from airflow.plugins_manager import AirflowPlugin

NAME = "Users report"


class ReportApp:
    """The report's ASGI app, imported at its first request. Airflow loads every plugin in each of
    its processes, each task's too (for macros), and importing the app (FastAPI, Airflow's API
    security) costs about a second that only the API server, which serves it, should pay."""

    def __init__(self, module: str):
        self.module = module
        self.app = None

    async def __call__(self, scope, receive, send):
        if self.app is None:
            self.app = importlib.import_module(self.module).app
        await self.app(scope, receive, send)


class UsersReportPlugin(AirflowPlugin):
    name = "users_report"
    fastapi_apps = [{"app": ReportApp("users_report.app"), "url_prefix": "/users-report", "name": NAME}]
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
