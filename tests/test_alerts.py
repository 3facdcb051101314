"""The alert of a task that failed for good (plugins/users_pipeline_alerts.py), delivered to a real
SMTP server (aiosmtpd, in this process) through the SMTP provider and a connection from the
environment, as .env gives it in the stack."""

import asyncio
import json
import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import airflow  # noqa: F401 (its import puts plugins/, AIRFLOW__CORE__PLUGINS_FOLDER of conftest.py, on the path)
import pytest
import users_pipeline_alerts
from aiosmtpd.controller import Controller

from conftest import load_dag_module

RUN_ID = "manual__2026-12-06T10:00:00+00:00"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
        return "250 OK"


def free_port():
    """A local port that nothing listens on (the OS's choice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(monkeypatch):
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    connection = {"conn_type": "smtp", "host": "127.0.0.1", "port": port,
                  "extra": {"disable_ssl": True, "disable_tls": True, "from_email": "airflow@users-pipeline.test"}}
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_ALERTS", json.dumps(connection))
    yield inbox
    controller.stop()


class FailedTry:
    """What the failure callback reads of the task instance: its ids and its XCom."""

    def __init__(self, task_id, summary):
        self.dag_id, self.run_id, self.task_id = "users_pipeline", RUN_ID, task_id
        self.summary = summary

    def xcom_pull(self, task_ids, key):
        assert (task_ids, key) == (self.task_id, "return_value")
        return self.summary


def failure_callback(monkeypatch, **environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    callbacks = load_dag_module().dag.default_args["on_failure_callback"]
    return [c for c in callbacks if isinstance(c, users_pipeline_alerts.TaskFailedAlert)][0]


def test_a_task_failed_for_good_mails_its_reason_and_a_link_to_the_run(inbox, monkeypatch):
    alert = failure_callback(monkeypatch, USERS_PIPELINE_ALERT_EMAIL_TO="ops@example.org, oncall@example.org",
                             USERS_PIPELINE_AIRFLOW_UI_URL="http://airflow.example.org:8080")
    summary = json.dumps({"task": "submit-spark", "ok": False, "failure": "Cassandra refused the write {{ 7*7 }}"})
    alert({"ti": FailedTry("submit_spark", summary), "exception": RuntimeError("container exited 1")})

    assert len(inbox.messages) == 1
    recipients, mail = inbox.messages[0]
    assert recipients == ["ops@example.org", "oncall@example.org"]
    assert mail["Subject"] == f"[users_pipeline] submit_spark failed in run {RUN_ID}"
    body = mail.get_body(("html",)).get_content()
    # The reason as the task said it: not rendered as a template.
    assert "Cassandra refused the write {{ 7*7 }}" in body
    assert "http://airflow.example.org:8080/dags/users_pipeline/runs/manual__2026-12-06T10%3A00%3A00%2B00%3A00" in body


def test_without_a_summary_the_reason_is_the_exceptions_first_line(inbox, monkeypatch):
    alert = failure_callback(monkeypatch, USERS_PIPELINE_ALERT_EMAIL_TO="ops@example.org")
    alert({"ti": FailedTry("fetch_users", None), "exception": RuntimeError("image not found\ndetails")})
    body = inbox.messages[0][1].get_body(("html",)).get_content()
    assert "Reason: image not found</p>" in body


def test_with_no_channel_nothing_is_sent_and_the_log_says_so_once(inbox, monkeypatch, caplog):
    monkeypatch.delenv("USERS_PIPELINE_ALERT_EMAIL_TO", raising=False)
    alert = failure_callback(monkeypatch)
    users_pipeline_alerts.say_nothing_is_configured.cache_clear()
    for _ in range(2):
        alert({"ti": FailedTry("verify_cassandra", None), "exception": RuntimeError("3 users lost")})
    assert inbox.messages == []
    assert sum("no alert channel is configured" in r.getMessage() for r in caplog.records) == 1


def test_a_run_not_verified_by_its_deadline_mails_it(inbox, monkeypatch):
    monkeypatch.setenv("USERS_PIPELINE_ALERT_EMAIL_TO", "ops@example.org")
    monkeypatch.setenv("USERS_PIPELINE_LATE_AFTER_MINUTES", "30")
    deadline = load_dag_module().dag.deadline
    deadline = deadline[0] if isinstance(deadline, list) else deadline
    assert deadline.interval == timedelta(minutes=30)
    assert deadline.callback.path == "users_pipeline_alerts.RunLateAlert"
    # As the triggerer calls it: the class with the context, then awaited.
    context = {"dag_run": {"dag_id": "users_pipeline", "dag_run_id": RUN_ID, "state": "running"},
               "deadline": {"id": "1", "deadline_time": "2026-12-06T10:30:00+00:00"}}
    asyncio.run(awaited(users_pipeline_alerts.RunLateAlert(context=context)))
    assert len(inbox.messages) == 1
    mail = inbox.messages[0][1]
    assert mail["Subject"] == f"[users_pipeline] run {RUN_ID} is not verified by 2026-12-06T10:30:00+00:00"
    assert "it is running" in mail.get_body(("html",)).get_content()


async def awaited(alert):
    await alert


def test_slack_gets_the_same_alert_as_text_with_the_reason_escaped(monkeypatch):
    monkeypatch.delenv("USERS_PIPELINE_ALERT_EMAIL_TO", raising=False)
    monkeypatch.setenv("USERS_PIPELINE_ALERT_SLACK_CONN_ID", "slack_alerts")
    alert = users_pipeline_alerts.Alert(subject="[users_pipeline] verify_cassandra failed",
                                        lines=("Reason: 2 users <lost> & 1 foreign",), link="http://airflow:8080/dags/x")
    [slack] = alert.notifiers()
    assert slack.slack_webhook_conn_id == "slack_alerts"
    assert slack.text == ("*[users_pipeline] verify_cassandra failed*\nReason: 2 users &lt;lost&gt; &amp; 1 foreign\n"
                          "<http://airflow:8080/dags/x|the run>")


def test_a_channel_that_fails_fails_the_callback_after_the_others_were_sent(inbox, monkeypatch):
    # A webhook nobody answers: Slack's hook gets a refused connection, a real failure of its own.
    closed_port = free_port()
    monkeypatch.setenv("AIRFLOW_CONN_SLACK_ALERTS", json.dumps(
        {"conn_type": "slackwebhook", "password": f"http://127.0.0.1:{closed_port}/services/T0/B0/x"}))
    alert = failure_callback(monkeypatch, USERS_PIPELINE_ALERT_EMAIL_TO="ops@example.org",
                             USERS_PIPELINE_ALERT_SLACK_CONN_ID="slack_alerts")
    with pytest.raises(RuntimeError, match="alert not sent through SlackWebhookNotifier"):
        alert({"ti": FailedTry("fetch_users", None), "exception": RuntimeError("randomuser.me answered 503")})
    assert len(inbox.messages) == 1


def test_a_late_after_of_0_turns_the_lateness_alert_off(monkeypatch):
    monkeypatch.setenv("USERS_PIPELINE_LATE_AFTER_MINUTES", "0")
    assert not load_dag_module().dag.deadline
