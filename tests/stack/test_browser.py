"""A person in a real browser (Debian's Chromium, driven by Playwright): signs in to the Airflow UI with
README's credentials, triggers users_pipeline from its Trigger form with a users count typed in,
watches the run turn green, reads verify_cassandra's summary off its log page, finds the run's
Spark application among the Spark master UI's completed ones, and reads the Users report of that
run and of a run with invalid users injected. Every step leaves a screenshot in WORK/screenshots.
In this order: each test builds on the page the previous one left."""

import json
import re
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import quote, unquote

import pytest
import requests
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect, sync_playwright

from .compose_stack import ADMIN, AIRFLOW_URL, DAG_ID, RANDOMUSER_URL, SPARK_UI_URL, WORK, compose

USERS = 300
TASKS = ("fetch_users", "submit_spark", "verify_cassandra")
RUN_TIMEOUT_SECONDS = 15 * 60
SCREENSHOTS = WORK / "screenshots"


@pytest.fixture(scope="module")
def page():
    # Debian's chromium: Playwright's own browser download cannot be fetched here. Root needs --no-sandbox.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def screenshot(page, name):
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


def test_a_person_signs_in_with_the_readme_credentials(page, admin_password):
    page.goto(AIRFLOW_URL)
    expect(page.get_by_role("heading", name="Sign into Airflow")).to_be_visible()
    page.get_by_label("Username").fill(ADMIN)
    page.get_by_label("Password").fill(admin_password)
    screenshot(page, "01-sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    expect(page.get_by_role("link", name="Dags", exact=True)).to_be_visible()
    screenshot(page, "02-home")


@pytest.fixture(scope="module")
def ui_run(page, api):
    """The run that the Trigger form starts, its id read off the URL the UI opens after the click."""
    page.goto(f"{AIRFLOW_URL}/dags/{DAG_ID}")
    page.get_by_role("button", name="Trigger Dag").click()
    form = page.get_by_role("dialog")
    expect(form.get_by_role("heading", name=f"Trigger Dag - {DAG_ID}")).to_be_visible()
    form.get_by_role("spinbutton", name="Users").fill(str(USERS))
    screenshot(page, "03-trigger-form")
    trigger = form.get_by_role("button", name="Trigger")
    # Nationalities stays empty ("empty for all", as README says): the form must accept that.
    expect(trigger, "Trigger is disabled: the form finds a parameter missing (Run Parameters in red)") \
        .to_be_enabled()
    trigger.click()
    page.wait_for_url(re.compile(rf"/dags/{DAG_ID}/runs/[^/?#]+$"))
    run_id = unquote(page.url.rsplit("/", 1)[1])
    # The API only confirms what the page says: a manual run by the admin with the typed count.
    run = api.call("GET", f"/dagRuns/{run_id}")
    assert (run["run_type"], run["triggering_user_name"], run["conf"]["users_count"]) == ("manual", ADMIN, USERS)
    return run_id


def test_the_trigger_form_starts_a_run_with_the_typed_users_count(page, ui_run):
    expect(page.get_by_role("heading", name=ui_run, exact=True)).to_be_visible()
    screenshot(page, "04-run-started")


def run_state(page):
    """The run's state as its page's header shows it (the first state badge; the page refreshes itself)."""
    return page.get_by_test_id("state-badge").first.inner_text().strip()


def grid_tooltip(page, run_id, task):
    """The tooltip of a task's square in the grid. The grid shifts while it loads and refreshes, which
    can move the square from under the pointer: hover again until the tooltip shows."""
    tooltip = page.get_by_role("tooltip").filter(has_text=f"Task ID: {task}")
    for _ in range(10):
        page.get_by_test_id(f"grid-{run_id}-{task}").hover()
        try:
            return tooltip.inner_text(timeout=2000)
        except PlaywrightTimeoutError:
            page.mouse.move(0, 0)
    pytest.fail(f"no tooltip on {task}'s square of run {run_id} in the grid")


def test_the_run_turns_green_in_the_grid(page, ui_run):
    started = time.monotonic()
    while (state := run_state(page)) != "Success":
        if state == "Failed" or time.monotonic() - started > RUN_TIMEOUT_SECONDS:
            screenshot(page, "05-run-not-green")
            pytest.fail(f"run {ui_run} is {state!r} after {time.monotonic() - started:.0f} s")
        page.wait_for_timeout(5000)
    # Each task's square of this run in the grid: its tooltip tells the state the colour shows.
    for task in TASKS:
        assert "State: Success" in grid_tooltip(page, ui_run, task)
    page.mouse.move(0, 0)
    expect(page.get_by_role("tooltip")).to_have_count(0)
    screenshot(page, "05-run-green")
    # The Dag's own page: this run is its latest, and a successful one.
    page.goto(f"{AIRFLOW_URL}/dags/{DAG_ID}")
    latest_run = page.locator(f'a[href="/dags/{DAG_ID}/runs/{ui_run}"]')
    expect(latest_run).to_have_accessible_name(re.compile(" success$"))
    screenshot(page, "06-dag-overview")


def test_verify_cassandras_log_shows_every_user_found(page, ui_run):
    page.get_by_test_id(f"grid-{ui_run}-verify_cassandra").click()
    page.wait_for_url(f"**/dags/{DAG_ID}/runs/*/tasks/verify_cassandra")
    expect(page.get_by_role("link", name="Logs")).to_be_visible()
    page.get_by_role("button", name="Log Settings").click()
    page.get_by_role("menuitem", name=re.compile("^Wrap")).click()
    page.get_by_role("textbox", name="Search logs...").fill('"found"')
    log = page.get_by_role("code").first
    expect(log).to_contain_text('"task":"verify-cassandra"')
    page.mouse.move(0, 0)
    screenshot(page, "07-verify-cassandra-log")
    lines = [line for line in log.inner_text().splitlines() if '{"task":"verify-cassandra"' in line]
    assert lines, log.inner_text()
    summary = json.loads(lines[-1][lines[-1].index("{"):])
    assert (summary["run_id"], summary["expected"], summary["found"], summary["ok"]) == \
        (ui_run, USERS, USERS, True)


def test_the_spark_master_ui_lists_the_runs_application_as_completed(page, api, ui_run):
    # Which application was this run's: submit_spark's summary says; its name carries the run id.
    app_id = api.summary(ui_run, "submit_spark")["app_id"]
    page.goto(SPARK_UI_URL)
    completed = page.get_by_role("heading", name=re.compile(r"^Completed Applications \(\d+\)$"))
    application = completed.locator("xpath=following::table[1]").get_by_role("row").filter(
        has=page.get_by_role("link", name=app_id, exact=True))
    expect(application).to_have_count(1)
    expect(application.get_by_role("cell", name=f"stream-users {ui_run}", exact=True)).to_be_visible()
    expect(application.get_by_role("cell", name="FINISHED", exact=True)).to_be_visible()
    completed.scroll_into_view_if_needed()
    screenshot(page, "08-spark-master")


def test_kafka_ui_shows_the_topics():
    pytest.skip("Kafka UI is not in the offline image set (its image's registry is unreachable here), so the "
                "stack runs without the kafka-ui profile")


# The Users report (plugins/users_report): its totals and charts, as docs/users-report.md names them.
REPORT_TOTALS = ("requested", "produced", "rejected-fetch", "rejected-job", "found")
REPORT_CHARTS = ("gender", "nationality", "age_at_registration", "registered_year", "coordinates")


def report_totals(report):
    return {total: int(report.locator(f"#{total}").inner_text().replace(",", "")) for total in REPORT_TOTALS}


def chart_counts(report, chart):
    """The counts of a chart's bars (or map cells, empty ones included), each as its element carries it."""
    expect(report.locator(f'figure[data-chart="{chart}"] svg')).to_be_visible()
    bars = report.locator(f'figure[data-chart="{chart}"] [data-count]')
    return [int(count) for count in bars.evaluate_all("bars => bars.map(bar => bar.dataset.count)")]


def reasons(report, stage):
    """{reason kind: users} of the report's reasons table, for stage fetch or job."""
    rows = report.locator(f'tr.reason[data-stage="{stage}"]')
    return {kind: int(count) for kind, count in
            rows.evaluate_all("rows => rows.map(row => [row.dataset.kind, row.dataset.count])")}


def test_the_users_report_shows_the_runs_totals_and_every_chart(page, api, ui_run):
    # As a person finds it: Browse, Users report; the latest run (this one) by default.
    page.goto(AIRFLOW_URL)
    page.get_by_role("button", name="Browse").click()
    page.get_by_role("menuitem", name="Users report").click()
    report = page.frame_locator('iframe[title="Users report"]')
    expect(report.locator("#run-id")).to_have_text(ui_run)
    fetched, verified = api.summary(ui_run, "fetch_users"), api.summary(ui_run, "verify_cassandra")
    assert report_totals(report) == {"requested": USERS, "produced": fetched["produced"], "rejected-fetch": 0,
                                     "rejected-job": 0, "found": verified["found"]}
    assert fetched["produced"] == verified["found"] == USERS
    for chart in REPORT_CHARTS:
        counts = chart_counts(report, chart)
        assert any(counts) and sum(counts) == USERS, (chart, counts)
    expect(report.locator("#no-rejects")).to_be_visible()
    screenshot(page, "09-users-report")


INVALID_AT_FETCH = 1
INVALID_IN_KAFKA = 2


def invalid_user_record(run_id):
    """A user whose email and gender break the record contract, as a foreign producer might write it."""
    return {"id": str(uuid.uuid4()), "first_name": "Ada", "last_name": "Broken", "gender": "robot",
            "address": "1 Test Street, Testville, United Kingdom", "post_code": "TE1 1ST", "email": "not-an-email",
            "username": "broken", "dob": "1990-05-17T08:00:00.000Z", "registered_date": "2015-03-02T10:00:00.000Z",
            "phone": "01234 567890", "picture": "https://randomuser.me/api/portraits/women/1.jpg",
            "nationality": "GB", "latitude": 51.5, "longitude": -0.1, "run_id": run_id,
            "fetched_at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")}


@pytest.fixture(scope="module")
def run_with_invalid_users(api):
    """A run whose API answer holds an invalid user (to the DLQ at fetch) and whose topic holds invalid
    records with its run id that the job must reject: written before the run starts, streamed by its job."""
    run_id = f"manual__users_report_invalid_users_{int(time.time())}"
    injected = requests.post(f"{RANDOMUSER_URL}/_stand-in/faults",
                             params={"fault": "invalid-user", "count": INVALID_AT_FETCH}, timeout=30)
    assert injected.status_code == 204, injected.text
    records = "".join(json.dumps(invalid_user_record(run_id)) + "\n" for _ in range(INVALID_IN_KAFKA))
    compose("exec", "-T", "-e", "KAFKA_HEAP_OPTS=-Xmx128m", "kafka", "/opt/kafka/bin/kafka-console-producer.sh",
            "--bootstrap-server", "localhost:9092", "--topic", "users_created", input=records)
    api.trigger(run_id=run_id, users_count=USERS)
    assert api.wait_for_run(run_id) == "success", api.task_instances(run_id)
    return run_id


def test_the_users_report_of_a_run_with_invalid_users_shows_them_with_their_reasons(page, api, run_with_invalid_users):
    run_id = run_with_invalid_users
    fetched, verified = api.summary(run_id, "fetch_users"), api.summary(run_id, "verify_cassandra")
    assert (fetched["rejected"], verified["rejected"]) == (INVALID_AT_FETCH, INVALID_IN_KAFKA)
    # The run's own page has the report as a tab.
    page.goto(f"{AIRFLOW_URL}/dags/{DAG_ID}/runs/{run_id}")
    page.get_by_role("link", name="Users report", exact=True).click()
    report = page.frame_locator('iframe[title="Users report"]')
    expect(report.locator("#run-id")).to_have_text(run_id)
    assert report_totals(report) == {
        "requested": USERS, "produced": fetched["produced"], "rejected-fetch": INVALID_AT_FETCH,
        "rejected-job": INVALID_IN_KAFKA, "found": verified["found"]}
    assert fetched["produced"] + INVALID_AT_FETCH == USERS and verified["found"] == fetched["produced"]
    for chart in REPORT_CHARTS:
        assert sum(chart_counts(report, chart)) == verified["found"], chart
    # The stand-in's invalid user breaks email and dob; the records written to Kafka, email and gender.
    broken_email_and_dob = "email is not an address; dob.date is not an ISO-8601 instant"
    assert reasons(report, "fetch") == {broken_email_and_dob: INVALID_AT_FETCH}
    [(job_reason, job_rejects)] = reasons(report, "job").items()
    assert "email is not an address" in job_reason and "unknown gender" in job_reason
    assert job_rejects == INVALID_IN_KAFKA
    screenshot(page, "10-users-report-invalid-users")

    # The report's own page (what the Browse entry shows) with this run picked: the run, then the
    # trend of the last runs, where this run is one row. The whole page is README's picture.
    page.goto(f"{AIRFLOW_URL}/users-report/?run_id={quote(run_id, safe='')}")
    expect(page.locator("#run-id")).to_have_text(run_id)
    trend_row = page.locator(f'tr.trend-run[data-run-id="{run_id}"]')
    expect(trend_row.locator('td[data-field="produced"]')).to_have_text(str(fetched["produced"]))
    expect(trend_row.locator('td[data-field="found"]')).to_have_text(str(verified["found"]))
    page.screenshot(path=SCREENSHOTS / "11-users-report-page.png", full_page=True)


def test_the_users_reports_endpoint_refuses_anonymous_requests(api, ui_run):
    url = f"{AIRFLOW_URL}/users-report/api/dags/{DAG_ID}/runs/{ui_run}"
    assert requests.get(url, timeout=30).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer not-a-token"}, timeout=30).status_code == 403
    assert requests.get(f"{AIRFLOW_URL}/users-report/", timeout=30).status_code == 401
    # The same request with the admin's token is answered: the refusals above are the auth's.
    answered = api.session.get(url, timeout=30)
    assert answered.status_code == 200, answered.text
