"""The report's data, read from Airflow's metadata database only: the runs of users_pipeline, their
task instances (state, try, duration) and the tasks' summaries, which are their XComs.

The shape of the summaries is the contract of issue 15 (docs/users-report.md): fetch_users and
verify_cassandra print them as JSON lines, DockerOperator pushes that line as the XCom. A field a
summary lacks (an older run, a task that failed before printing one) is None here and "—" on the page.
"""

import json
from typing import Any

from airflow.models.dagrun import DagRun
from airflow.models.taskinstance import TaskInstance
from airflow.models.xcom import XComModel
from sqlalchemy import select
from sqlalchemy.orm import Session

DAG_ID = "users_pipeline"
TASK_IDS = ("fetch_users", "submit_spark", "verify_cassandra")
TREND_RUNS = 30
# Map keys the tasks fold the smallest counts into, to keep a summary line short.
OTHER = "other"


def decode_summary(value: Any) -> dict | None:
    """A task's summary from its XCom: the JSON line, stored as a string (sometimes JSON-encoded
    once more on the way), or already a dict. Anything else is no summary."""
    for _ in range(3):
        if isinstance(value, dict):
            return value
        if not isinstance(value, str | bytes):
            return None
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def _count(summary: dict | None, field: str) -> int | None:
    value = (summary or {}).get(field)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _counts(summary: dict | None, field: str) -> dict[str, int] | None:
    """A map of counts from a summary, or None when the summary does not have it."""
    value = (summary or {}).get(field)
    if not isinstance(value, dict):
        return None
    return {str(key): count for key, count in value.items() if isinstance(count, int) and count > 0}


def _numeric_then_other(item: tuple[str, int]) -> tuple[int, float]:
    key = item[0]
    try:
        return 0, float(key)
    except ValueError:
        return 1, 0.0


def _largest_first_then_other(item: tuple[str, int]) -> tuple[int, int, str]:
    key, count = item
    return (1 if key == OTHER else 0), -count, key


def _age_label(key: str, bin_years: int) -> str:
    try:
        low = int(key)
    except ValueError:
        return key
    # A true minus sign: "−10–−1" (registered before the date of birth) reads apart from the dash.
    return f"{low}–{low + bin_years - 1}".replace("-", "−")


def cell_label(key: str, cell_degrees: int) -> str:
    """A map cell's label from its key "lat,lon" (its south-west corner); another key as it is."""
    try:
        lat, lon = (int(part) for part in key.split(","))
    except ValueError:
        return key
    return f"lat {lat}…{lat + cell_degrees}, lon {lon}…{lon + cell_degrees}"


def _bars(counts: dict[str, int], order, label=str) -> list[dict]:
    return [{"key": key, "label": label(key), "count": count} for key, count in sorted(counts.items(), key=order)]


def _charts(profile: dict | None) -> list[dict]:
    """The run's charts in page order; a chart's bars are None when the summary has no such map."""
    profile = profile if isinstance(profile, dict) else {}
    bin_years = _count(profile, "age_bin_years") or 10
    cell_degrees = _count(profile, "coordinate_cell_degrees") or 30

    def chart(name, title, kind, order, label=str):
        counts = _counts(profile, name)
        return {
            "name": name,
            "title": title,
            "kind": kind,
            "bars": None if counts is None else _bars(counts, order, label),
        }

    charts = [
        chart("gender", "Gender", "rows", _largest_first_then_other),
        chart("nationality", "Nationality", "rows", _largest_first_then_other),
        chart(
            "age_at_registration",
            f"Age at registration (years, bins of {bin_years})",
            "columns",
            _numeric_then_other,
            lambda key: _age_label(key, bin_years),
        ),
        chart("registered_year", "Registrations by year", "columns", _numeric_then_other),
        chart(
            "coordinates",
            f"Coordinates ({cell_degrees}° cells)",
            "grid",
            _largest_first_then_other,
            lambda key: cell_label(key, cell_degrees),
        ),
    ]
    charts[-1]["cell_degrees"] = cell_degrees
    return charts


def _reasons(summaries: dict[str, dict | None]) -> dict[str, list[dict] | None]:
    """The reasons of each stage's rejects: fetch (the DLQ) and job (the streaming job's)."""
    stages = {"fetch": summaries["fetch_users"], "job": summaries["verify_cassandra"]}
    reasons = {}
    for stage, summary in stages.items():
        counts = _counts(summary, "rejected_reasons")
        reasons[stage] = None if counts is None else [
            {"kind": key, "count": count} for key, count in sorted(counts.items(), key=_largest_first_then_other)
        ]
    return reasons


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _latest_runs(session: Session, dag_id: str, limit: int) -> list[DagRun]:
    newest_first = select(DagRun).where(DagRun.dag_id == dag_id).order_by(DagRun.run_after.desc(), DagRun.id.desc())
    return list(session.scalars(newest_first.limit(limit)))


def _task_rows(session: Session, dag_id: str, run_ids: list[str]) -> dict[tuple[str, str], TaskInstance]:
    rows = session.scalars(
        select(TaskInstance).where(
            TaskInstance.dag_id == dag_id,
            TaskInstance.run_id.in_(run_ids),
            TaskInstance.task_id.in_(TASK_IDS),
            TaskInstance.map_index == -1,
        )
    )
    return {(row.run_id, row.task_id): row for row in rows}


def _summaries(session: Session, dag_id: str, run_ids: list[str]) -> dict[tuple[str, str], dict | None]:
    rows = session.execute(
        select(XComModel.run_id, XComModel.task_id, XComModel.value).where(
            XComModel.dag_id == dag_id,
            XComModel.run_id.in_(run_ids),
            XComModel.task_id.in_(TASK_IDS),
            XComModel.key == "return_value",
            XComModel.map_index == -1,
        )
    )
    return {(run_id, task_id): decode_summary(value) for run_id, task_id, value in rows}


def _report(run: DagRun, tasks: dict, summaries: dict) -> dict:
    by_task = {task_id: summaries.get((run.run_id, task_id)) for task_id in TASK_IDS}
    fetch, verify = by_task["fetch_users"], by_task["verify_cassandra"]
    profile = (verify or {}).get("profile")
    task_rows = []
    for task_id in TASK_IDS:
        ti = tasks.get((run.run_id, task_id))
        failure = (by_task[task_id] or {}).get("failure")
        task_rows.append({
            "task_id": task_id,
            "state": ti.state if ti and ti.state else None,
            "try_number": ti.try_number if ti else None,
            "duration_seconds": round(ti.duration, 1) if ti and ti.duration is not None else None,
            # The one-line reason a failed task put in its summary (TaskMain), when it printed one.
            "failure": failure if isinstance(failure, str) else None,
        })
    return {
        "dag_id": run.dag_id,
        "run_id": run.run_id,
        "state": run.state,
        "run_after": _iso(run.run_after),
        "start_date": _iso(run.start_date),
        "end_date": _iso(run.end_date),
        "totals": {
            # Without fetch_users' summary, what the run was triggered with (a scheduled run has no conf).
            "requested": _count(fetch, "requested") if fetch is not None else _count(run.conf, "users_count"),
            "produced": _count(fetch, "produced"),
            "rejected_fetch": _count(fetch, "rejected"),
            "rejected_job": _count(verify, "rejected"),
            "found": _count(verify, "found"),
        },
        "profile_users": _count(profile if isinstance(profile, dict) else None, "users"),
        "reasons": _reasons(by_task),
        "charts": _charts(profile),
        "tasks": task_rows,
        "summaries": by_task,
    }


def run_report(session: Session, dag_id: str, run_id: str) -> dict | None:
    """One run's report, or None when the DAG has no such run."""
    run = session.scalar(select(DagRun).where(DagRun.dag_id == dag_id, DagRun.run_id == run_id))
    if run is None:
        return None
    return _report(run, _task_rows(session, dag_id, [run_id]), _summaries(session, dag_id, [run_id]))


def trend(session: Session, dag_id: str = DAG_ID, limit: int = TREND_RUNS) -> list[dict]:
    """The reports of the latest runs, newest first (three queries, whatever the number of runs)."""
    runs = _latest_runs(session, dag_id, limit)
    run_ids = [run.run_id for run in runs]
    tasks, summaries = _task_rows(session, dag_id, run_ids), _summaries(session, dag_id, run_ids)
    return [_report(run, tasks, summaries) for run in runs]
