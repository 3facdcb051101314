"""The report's FastAPI app, mounted by the API server at /users-report.

A plugin's app is not protected by Airflow on its own: every route depends on Airflow's own check
that the caller (the UI's JWT cookie, or an Authorization: Bearer token) may read the DAG's XComs and
task instances. The pages need no script (plain links and a GET form), so they work in any iframe sandbox.
"""

from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity
from airflow.api_fastapi.common.db.common import SessionDep
from airflow.api_fastapi.core_api.security import requires_access_dag
from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from . import charts
from .data import DAG_ID, TREND_RUNS, run_report, trend


def _readable(dag_id: str | None = None) -> list:
    """Airflow's own checks: the caller may read the DAG's XComs and task instances (dag_id: the
    path's when None)."""
    return [
        Depends(requires_access_dag("GET", DagAccessEntity.XCOM, dag_id)),
        Depends(requires_access_dag("GET", DagAccessEntity.TASK_INSTANCE, dag_id)),
    ]


app = FastAPI(title="Users report", docs_url=None, redoc_url=None, openapi_url=None)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["charts"] = charts


def _links(request: Request) -> dict:
    # root_path is where the API server mounted this app (/users-report, behind any base_url).
    base = request.scope.get("root_path", "").rstrip("/")
    return {
        "home": f"{base}/",
        "run": lambda dag_id, run_id: f"{base}/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}",
        "api": lambda dag_id, run_id: f"{base}/api/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}",
    }


def _not_found(request: Request, dag_id: str, run_id: str | None) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "not_found.html",
        {"dag_id": dag_id, "run_id": run_id, "report_dag_id": DAG_ID, "links": _links(request)},
        status_code=404,
    )


@app.get("/", response_class=HTMLResponse, dependencies=_readable(DAG_ID))
def latest(request: Request, session: SessionDep, run_id: Annotated[str | None, Query()] = None):
    """The chosen run (?run_id=) or the latest, and the trend of the last runs."""
    reports = trend(session, DAG_ID, TREND_RUNS)
    if run_id:
        report = run_report(session, DAG_ID, run_id)
        if report is None:
            return _not_found(request, DAG_ID, run_id)
    else:
        report = reports[0] if reports else None
    context = {"report": report, "trend": reports, "links": _links(request), "dag_id": DAG_ID, "with_trend": True}
    return templates.TemplateResponse(request, "report.html", context)


@app.get("/dags/{dag_id}/runs/{run_id:path}", response_class=HTMLResponse, dependencies=_readable())
def run_page(request: Request, session: SessionDep, dag_id: str, run_id: str):
    """One run's report: the run tab of the UI."""
    report = run_report(session, dag_id, run_id) if dag_id == DAG_ID else None
    if report is None:
        return _not_found(request, dag_id, run_id)
    context = {"report": report, "trend": [], "links": _links(request), "dag_id": DAG_ID, "with_trend": False}
    return templates.TemplateResponse(request, "report.html", context)


@app.get("/api/dags/{dag_id}/runs/{run_id:path}", dependencies=_readable())
def run_json(session: SessionDep, dag_id: str, run_id: str):
    """The data the run's page is drawn from."""
    report = run_report(session, dag_id, run_id) if dag_id == DAG_ID else None
    if report is None:
        return JSONResponse({"detail": f"{dag_id} has no run {run_id}"}, status_code=404)
    return report
