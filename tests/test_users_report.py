"""The Users report plugin (plugins/): it loads through Airflow's plugin manager, the API server serves
it only to callers Airflow lets read the DAG, and its pages and JSON show what a real metadata
database holds: runs of users_pipeline, their task instances and the tasks' summaries as XComs."""

import ast
import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from importlib import metadata
from urllib.parse import quote

import pendulum
import pytest
from airflow import plugins_manager
from airflow.api_fastapi.app import create_app, get_auth_manager
from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser
from airflow.configuration import conf
from airflow.dag_processing.bundles.manager import DagBundlesManager
from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db
from airflow.models.serialized_dag import SerializedDagModel
from airflow.models.taskinstance import TaskInstance
from airflow.models.xcom import XComModel
from airflow.utils import db
from airflow.utils.session import create_session
from airflow.utils.state import DagRunState, TaskInstanceState
from airflow.utils.types import DagRunTriggeredByType, DagRunType
from fastapi.testclient import TestClient
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from sqlalchemy import select

from conftest import ROOT

DAG_ID = "users_pipeline"
START = pendulum.datetime(2026, 3, 1, tz="UTC")


def profile(users, gender, nationality, ages, years, coordinates):
    return {
        "users": users, "gender": gender, "nationality": nationality, "age_bin_years": 10,
        "age_at_registration": ages, "registered_year": years, "coordinate_cell_degrees": 30,
        "coordinates": coordinates,
    }


# Four runs, oldest first, as the tasks' summary lines (the contract of issue 15).
RUNS = {
    # From before the report: summaries without reasons or profile.
    "older": {
        "fetch_users": {"task": "fetch-users", "requested": 100, "produced": 100, "rejected": 0, "seed": "5e"},
        "submit_spark": {"task": "submit-spark", "state": "FINISHED", "written": 100, "rejected": 0},
        "verify_cassandra": {"task": "verify-cassandra", "expected": 100, "found": 100, "rejected": 0, "ok": True},
    },
    "clean": {
        "fetch_users": {"task": "fetch-users", "requested": 12, "produced": 12, "rejected": 0, "rejected_reasons": {}},
        "submit_spark": {"task": "submit-spark", "state": "FINISHED", "written": 12, "rejected": 0},
        "verify_cassandra": {
            "task": "verify-cassandra", "expected": 12, "found": 12, "rejected": 0, "rejected_reasons": {}, "ok": True,
            "profile": profile(
                12, {"female": 7, "male": 5}, {"GB": 5, "FR": 4, "BR": 3},
                {"-10": 1, "20": 4, "30": 5, "70": 2}, {"2004": 3, "2011": 4, "2019": 5},
                {"30,0": 6, "-60,120": 2, "60,150": 3, "-90,-180": 1},
            ),
        },
    },
    "rejects": {
        "fetch_users": {
            "task": "fetch-users", "requested": 20, "produced": 14, "rejected": 6,
            "rejected_reasons": {
                "email is not an address": 4, "dob is not an ISO-8601 instant; email is not an address": 2,
            },
        },
        "submit_spark": {"task": "submit-spark", "state": "FINISHED", "written": 11, "rejected": 3},
        "verify_cassandra": {
            "task": "verify-cassandra", "expected": 14, "found": 11, "rejected": 3, "ok": False,
            "rejected_reasons": {"Cassandra refused the write": 3},
            "failure": "run rejects: expected 14 users, found 11 in spark_streams.created_users, 3 rejected by"
                       " the streaming job in spark_streams.rejected_users (waited up to 60 s)",
            "profile": profile(
                11, {"male": 6, "female": 5}, {"US": 6, "other": 5},
                {"10": 2, "20": 9}, {"2020": 11}, {"30,-90": 7, "other": 4},
            ),
        },
    },
    # fetch_users failed before it printed a summary (Kafka unreachable): the run's conf says what it asked for.
    "no-fetch": {"fetch_users": None, "submit_spark": None, "verify_cassandra": None},
    # verify_cassandra failed without a summary.
    "no-verify": {
        "fetch_users": {"task": "fetch-users", "requested": 5, "produced": 5, "rejected": 0, "rejected_reasons": {}},
        "submit_spark": {"task": "submit-spark", "state": "FINISHED", "written": 5, "rejected": 0},
        "verify_cassandra": None,
    },
}
DURATIONS = {"fetch_users": 3.5, "submit_spark": 41.3, "verify_cassandra": 1.0}
# The conf a run was triggered with; the others were scheduled (no conf).
CONFS = {"no-fetch": {"users_count": 40}}


def _store_runs():
    """users_pipeline as the DAG processor stores it, and each of RUNS as the scheduler and the tasks
    leave it: the run, its task instances (state, try, duration) and the XComs DockerOperator pushes
    (the summary line, a string; one run's as a dict, which the report takes too)."""
    DagBundlesManager().sync_bundles_to_db()
    sync_bag_to_db(DagBag(dag_folder=str(ROOT / "dags")), "dags-folder", None)
    with create_session() as session:
        dag = SerializedDagModel.get_dag(DAG_ID, session=session)
        for index, (run_id, summaries) in enumerate(RUNS.items()):
            failed = summaries["verify_cassandra"] is None
            moment = START + timedelta(days=index)
            dag.create_dagrun(
                run_id=run_id, logical_date=moment, data_interval=(moment, moment), run_after=moment,
                run_type=DagRunType.MANUAL, triggered_by=DagRunTriggeredByType.TEST,
                state=DagRunState.FAILED if failed else DagRunState.SUCCESS, conf=CONFS.get(run_id), session=session,
            )
            for task_id, summary in summaries.items():
                ti = session.scalar(select(TaskInstance).filter_by(dag_id=DAG_ID, run_id=run_id, task_id=task_id))
                ti.state = TaskInstanceState.FAILED if summary is None else TaskInstanceState.SUCCESS
                ti.try_number = 4 if summary is None else 1
                ti.start_date = moment
                ti.end_date = moment + timedelta(seconds=DURATIONS[task_id])
                ti.duration = DURATIONS[task_id]
                if summary is not None:
                    value = summary if run_id == "clean" and task_id == "fetch_users" else json.dumps(summary)
                    XComModel.set(
                        "return_value", value, dag_id=DAG_ID, task_id=task_id, run_id=run_id, session=session
                    )


@pytest.fixture(scope="module")
def client():
    db.resetdb()  # a fresh, migrated metadata database (sqlite under target/airflow)
    _store_runs()
    with pytest.MonkeyPatch.context() as environment:
        # The key the API server signs and checks tokens with (else Airflow makes up a short one).
        environment.setenv("AIRFLOW__API_AUTH__JWT_SECRET", "users-report-tests-" + "0" * 64)
        yield TestClient(create_app(apps="core"))


def token(role="admin"):
    return get_auth_manager().generate_jwt(SimpleAuthManagerUser(username=f"{role}-user", role=role))


@pytest.fixture(scope="module")
def admin(client):
    return {"Authorization": f"Bearer {token()}"}


def run_path(run_id, dag_id=DAG_ID):
    return f"/users-report/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"


class Page(HTMLParser):
    """The page's elements (tag and attributes) and the text of each element with an id."""

    VOID = {"meta", "br", "img", "input", "hr", "link", "rect", "line"}

    def __init__(self, html):
        super().__init__()
        self.elements, self.text, self._open = [], {}, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag not in self.VOID:
            self._open.append(attrs.get("id"))
            if attrs.get("id"):
                self.text[attrs["id"]] = ""

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._open:
            self._open.pop()

    def handle_data(self, data):
        for element_id in filter(None, self._open):
            self.text[element_id] += data

    def having(self, attribute, value=None):
        return [attrs for _, attrs in self.elements if attribute in attrs and value in (None, attrs[attribute])]

    def counts_in_chart(self, name):
        """The data-count of every bar or cell inside the chart's figure."""
        counts, depth = [], None
        for tag, attrs in self.elements:
            if tag == "figure":
                depth = attrs.get("data-chart") == name
            elif depth and "data-count" in attrs:
                counts.append(int(attrs["data-count"]))
        return counts


def page(client, headers, path):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return Page(response.text)


def test_the_plugin_loads_and_registers_its_app_and_views():
    plugins, import_errors = plugins_manager._get_plugins()
    assert import_errors == {}
    report = [plugin for plugin in plugins if plugin.name == "users_report"]
    assert len(report) == 1, [plugin.name for plugin in plugins]
    apps, _ = plugins_manager.get_fastapi_plugins()
    assert [(entry["url_prefix"], entry["name"]) for entry in apps] == [("/users-report", "Users report")]
    views, _ = plugins_manager._get_ui_plugins()
    assert {(view["url_route"], view.get("destination", "nav"), view["href"]) for view in views} == {
        ("users-report", "nav", "/users-report/"),
        ("users-report-run", "dag_run", "/users-report/dags/{DAG_ID}/runs/{RUN_ID}"),
    }
    # Only the plugin file is a plugin module: .airflowignore keeps the manager out of the package.
    assert report[0].source.path == "users_report_plugin.py"


def test_loading_the_plugin_as_a_task_imports_nothing_of_the_report():
    # A task loads every plugin (for macros): the report's app must cost it nothing, only the API
    # server imports it, at its first request. A process of its own, as a task has.
    loaded = subprocess.run([sys.executable, "-c", """
import sys
from airflow.sdk.plugins_manager import integrate_macros_plugins
integrate_macros_plugins()
print(sorted(name for name in sys.modules if name.split(".")[0] in ("users_report", "users_report_plugin")))
"""], env=os.environ | {"AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins")}, capture_output=True, text=True,
                            timeout=120, check=True)
    assert loaded.stdout.splitlines()[-1] == "['users_report_plugin']", loaded.stdout + loaded.stderr


def _airflow_core_dependencies():
    """The distributions apache-airflow-core installs (without extras): what every Airflow image has."""
    found, todo = set(), ["apache-airflow-core"]
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        found.add(name)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return found


def test_the_plugin_imports_only_what_airflow_itself_installs():
    # The Airflow image installs nothing (airflow/Dockerfile): no chart library, no template engine of our own.
    distributions = metadata.packages_distributions()
    imported = set()
    for source in (ROOT / "plugins").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"users_report"}
    assert {"airflow", "fastapi", "sqlalchemy"} <= third_party
    allowed = _airflow_core_dependencies()
    outside = {module for module in third_party
               if not {canonicalize_name(d) for d in distributions.get(module, [])} & allowed}
    assert not outside, f"not installed by apache-airflow-core: {outside}"


@pytest.mark.parametrize("path", ["/users-report/", run_path("clean"), f"/users-report/api/dags/{DAG_ID}/runs/clean"])
def test_only_callers_airflow_lets_read_the_dag_get_the_report(client, path):
    # Else the simple auth manager makes every caller an admin.
    assert conf.getboolean("core", "simple_auth_manager_all_admins") is False
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer not-a-token"}).status_code == 403
    assert client.get(path, headers={"Authorization": f"Bearer {token(role=None)}"}).status_code == 403
    assert client.get(path, headers={"Authorization": f"Bearer {token()}"}).status_code == 200
    assert client.get(path, headers={"Authorization": f"Bearer {token('viewer')}"}).status_code == 200
    # The UI's iframe sends the UI's cookie, not a header.
    client.cookies.set("_token", token())
    try:
        assert client.get(path).status_code == 200
    finally:
        client.cookies.clear()


@pytest.mark.parametrize("run_id", ["clean", "rejects"])
def test_the_page_shows_the_summaries_and_the_json_is_what_it_is_drawn_from(client, admin, run_id):
    fetch, verify = RUNS[run_id]["fetch_users"], RUNS[run_id]["verify_cassandra"]
    report = client.get(f"/users-report/api/dags/{DAG_ID}/runs/{run_id}", headers=admin).json()
    expected = {"requested": fetch["requested"], "produced": fetch["produced"], "rejected_fetch": fetch["rejected"],
                "rejected_job": verify["rejected"], "found": verify["found"]}
    assert report["totals"] == expected
    assert report["summaries"]["verify_cassandra"] == verify
    shown = page(client, admin, run_path(run_id))
    for field, value in expected.items():
        assert shown.text[field.replace("_", "-")] == str(value)
    assert shown.text["run-id"] == run_id
    users = verify["profile"]["users"]
    for name in ("gender", "nationality", "age_at_registration", "registered_year", "coordinates"):
        bars = shown.counts_in_chart(name)
        assert sum(bars) == users, name
        assert sorted(bar for bar in bars if bar) == sorted(verify["profile"][name].values()), name
        chart = next(chart for chart in report["charts"] if chart["name"] == name)
        assert sum(bar["count"] for bar in chart["bars"]) == users
    tasks = {row["data-task"]: row["data-duration"] for row in shown.having("data-task")}
    assert tasks == {task_id: str(seconds) for task_id, seconds in DURATIONS.items()}


def test_a_task_that_failed_after_counting_says_why(client, admin):
    reason = RUNS["rejects"]["verify_cassandra"]["failure"]
    shown = page(client, admin, run_path("rejects"))
    assert [row["data-failure-of"] for row in shown.having("data-failure-of")] == ["verify_cassandra"]
    assert shown.text["failure-verify_cassandra"] == f"failed: {reason}"
    report = client.get(f"/users-report/api/dags/{DAG_ID}/runs/rejects", headers=admin).json()
    assert {task["task_id"]: task["failure"] for task in report["tasks"]} == {
        "fetch_users": None, "submit_spark": None, "verify_cassandra": reason}
    assert page(client, admin, run_path("clean")).having("data-failure-of") == []


def test_histogram_and_years_keep_their_order_and_name_their_bins(client, admin):
    shown = page(client, admin, run_path("clean"))
    ages = [(bar["data-key"], bar["data-label"]) for bar in shown.having("data-key") if bar["data-key"] in
            RUNS["clean"]["verify_cassandra"]["profile"]["age_at_registration"] and "–" in bar["data-label"]]
    assert ages == [("-10", "−10–−1"), ("20", "20–29"), ("30", "30–39"), ("70", "70–79")]
    years = [bar["data-key"] for bar in shown.having("data-key") if bar["data-key"].startswith("20")
             and bar["data-key"] == bar["data-label"] and len(bar["data-key"]) == 4]
    assert years == ["2004", "2011", "2019"]
    # The 30° grid: 6 × 12 cells, each with its count.
    cells = {cell["data-key"]: int(cell["data-count"]) for cell in shown.having("data-key") if "," in cell["data-key"]}
    assert len(cells) == 72
    assert (cells["30,0"], cells["-90,-180"], cells["60,150"], cells["0,0"]) == (6, 1, 3, 0)


def test_a_run_without_rejects_says_so_and_one_with_rejects_lists_their_reasons(client, admin):
    clean = page(client, admin, run_path("clean"))
    assert "no-rejects" in clean.text and clean.having("data-stage") == []
    rejects = page(client, admin, run_path("rejects"))
    reasons = {(row["data-stage"], row["data-kind"], int(row["data-count"])) for row in rejects.having("data-stage")}
    assert reasons == {
        ("fetch", "email is not an address", 4),
        ("fetch", "dob is not an ISO-8601 instant; email is not an address", 2),
        ("job", "Cassandra refused the write", 3),
    }
    # The counts the tasks folded into "other" are shown, not dropped.
    assert {"other"} <= {bar["data-key"] for bar in rejects.having("data-key")}


@pytest.mark.parametrize("run_id", ["older", "no-verify"])
def test_what_a_run_did_not_record_shows_as_a_dash(client, admin, run_id):
    shown = page(client, admin, run_path(run_id))
    summaries = RUNS[run_id]
    assert shown.text["produced"] == str(summaries["fetch_users"]["produced"])
    verify = summaries["verify_cassandra"]
    assert shown.text["found"] == (str(verify["found"]) if verify else "—")
    charts = shown.having("data-chart")
    assert len(charts) == 5 and {chart["data-recorded"] for chart in charts} == {"false"}
    report = client.get(f"/users-report/api/dags/{DAG_ID}/runs/{run_id}", headers=admin).json()
    assert all(chart["bars"] is None for chart in report["charts"])
    if run_id == "no-verify":
        assert report["totals"]["found"] is None
        tasks = {task["task_id"]: (task["state"], task["try_number"]) for task in report["tasks"]}
        assert tasks["verify_cassandra"] == ("failed", 4)


def test_a_run_whose_fetch_failed_shows_what_it_requested_and_nothing_else(client, admin):
    shown = page(client, admin, run_path("no-fetch"))
    assert shown.text["requested"] == str(CONFS["no-fetch"]["users_count"])
    assert [shown.text[field] for field in ("produced", "rejected-fetch", "rejected-job", "found")] == ["—"] * 4


def test_the_main_page_shows_the_latest_run_any_chosen_one_and_the_trend(client, admin):
    latest = page(client, admin, "/users-report/")
    assert latest.text["run-id"] == "no-verify"
    trend = [row["data-run-id"] for row in latest.having("class", "trend-run")]
    assert trend == list(reversed(RUNS))
    users = {(bar["data-run-id"], bar["data-series"]): bar["data-value"]
             for tag, bar in latest.elements if tag == "rect" and "data-series" in bar}
    assert users[("rejects", "produced")] == "14" and users[("rejects", "rejected")] == "9"
    assert users[("rejects", "submit_spark")] == "41.3"
    assert ("no-verify", "found") not in users
    # Rejects carry their number over their bar, which is too short to read next to the users.
    html = client.get("/users-report/", headers=admin).text
    numbered = re.findall(r'<text class="number" data-run-id="([^"]+)" data-series="rejected"[^>]*>(\d+)</text>', html)
    assert numbered == [("rejects", "9")]
    chosen = page(client, admin, "/users-report/?run_id=rejects")
    assert chosen.text["run-id"] == "rejects"
    assert chosen.having("selected")[0]["value"] == "rejects"


@pytest.mark.parametrize("path", [
    run_path("no-such-run"), run_path("clean", dag_id="another_dag"), "/users-report/?run_id=no-such-run",
    "/users-report/api/dags/users_pipeline/runs/no-such-run",
])
def test_an_unknown_run_or_another_dag_is_not_found(client, admin, path):
    assert client.get(path, headers=admin).status_code == 404


def test_what_the_url_brings_is_shown_as_text_not_markup(client, admin):
    response = client.get("/users-report/?run_id=<b>bold</b>", headers=admin)
    assert response.status_code == 404
    assert "<b>bold</b>" not in response.text and "&lt;b&gt;bold&lt;/b&gt;" in response.text
