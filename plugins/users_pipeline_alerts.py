"""users_pipeline's alerts (issue 25), by mail and to Slack: a task that failed for good (the DAG,
the run, the task, the one-line reason and a link to the run), and a run not verified in time (a
Deadline Alert, which Airflow 3.3 still calls experimental; the triggerer runs its callback).

In plugins/, not dags/: Airflow puts this folder on the path of every component, the triggerer
(where deadline callbacks run) included.

Settings (.env). The secrets (SMTP password, Slack webhook URL) live in Airflow connections, never
here nor in the DAG:
- USERS_PIPELINE_ALERT_EMAIL_TO: the recipients, comma-separated. Unset: no mail.
- USERS_PIPELINE_ALERT_SMTP_CONN_ID: the SMTP connection (default smtp_alerts). Its host, login,
  password and sender live in the connection, e.g. AIRFLOW_CONN_SMTP_ALERTS in .env as JSON (the
  URI form turns every extra into a string, and the provider reads disable_ssl="false" as true).
- USERS_PIPELINE_ALERT_SLACK_CONN_ID: a Slack incoming-webhook connection (conn_type slackwebhook,
  the webhook URL as its password), e.g. AIRFLOW_CONN_SLACK_ALERTS. Unset: no Slack message.
- USERS_PIPELINE_AIRFLOW_UI_URL: the UI's address as the alerts' readers reach it (default
  http://localhost:8080): the links to the run start with it.
With no channel set, nothing is sent, and the log says so once per process.
"""

import asyncio
import json
import logging
import os
from dataclasses import dataclass
from functools import cache
from html import escape
from urllib.parse import quote

from airflow.providers.slack.notifications.slack_webhook import SlackWebhookNotifier
from airflow.providers.smtp.notifications.smtp import SmtpNotifier
from airflow.sdk.bases.notifier import BaseNotifier

log = logging.getLogger(__name__)


def recipients():
    return [address.strip() for address in os.getenv("USERS_PIPELINE_ALERT_EMAIL_TO", "").split(",") if address.strip()]


@cache
def say_nothing_is_configured():
    log.warning("no alert channel is configured (USERS_PIPELINE_ALERT_EMAIL_TO, USERS_PIPELINE_ALERT_SLACK_CONN_ID):"
                " alerts are not sent")


def run_link(dag_id, run_id):
    """The run's page in the Airflow UI, at the address its readers reach it."""
    ui_url = os.getenv("USERS_PIPELINE_AIRFLOW_UI_URL", "http://localhost:8080").rstrip("/")
    return f"{ui_url}/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"


def slack_escape(text):
    """Slack's message text reads &, < and > as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class Alert:
    subject: str
    lines: tuple  # plain text, one sentence each
    link: str

    def notifiers(self):
        """One notifier per channel that .env configures. Their notify() renders no template when
        the text is given, so a reason with {{ … }} in it stays text."""
        notifiers = []
        to = recipients()
        if to:
            link = escape(self.link)
            body = "".join(f"<p>{escape(line)}</p>" for line in self.lines) + f'<p><a href="{link}">{link}</a></p>'
            smtp_conn_id = os.getenv("USERS_PIPELINE_ALERT_SMTP_CONN_ID", "smtp_alerts")
            notifiers.append(SmtpNotifier(to=to, subject=self.subject, html_content=body, smtp_conn_id=smtp_conn_id))
        slack_conn_id = os.getenv("USERS_PIPELINE_ALERT_SLACK_CONN_ID", "")
        if slack_conn_id:
            text = "\n".join([f"*{slack_escape(self.subject)}*", *map(slack_escape, self.lines),
                              f"<{self.link}|the run>"])
            notifiers.append(SlackWebhookNotifier(slack_webhook_conn_id=slack_conn_id, text=text))
        if not notifiers:
            say_nothing_is_configured()
        return notifiers

    async def deliver(self, context):
        """Through every channel, each tried even when another fails."""
        outcomes = []
        for notifier in self.notifiers():
            try:
                await notifier.async_notify(context)
                outcomes.append((notifier, None))
            except Exception as error:  # noqa: BLE001 (one channel down must not silence the others)
                outcomes.append((notifier, error))
        self.report(outcomes)

    def report(self, outcomes):
        """Every channel was tried; a failed one fails the callback, which Airflow logs."""
        sent = [type(notifier).__name__ for notifier, error in outcomes if not error]
        failed = [f"{type(notifier).__name__}: {first_line(error)}" for notifier, error in outcomes if error]
        if sent:
            log.info("alert sent through %s: %s", ", ".join(sent), self.subject)
        if failed:
            raise RuntimeError(f"alert not sent through {'; '.join(failed)}: {self.subject}")


def first_line(error):
    return (str(error).strip() or type(error).__name__).splitlines()[0]


def failure_reason(context):
    """The failed try's one-line reason: its summary's `failure` (StepOperator pushes a failed try's
    summary too), else the first line of the exception."""
    ti = context["ti"]
    summary = ti.xcom_pull(task_ids=ti.task_id, key="return_value")
    try:
        reason = json.loads(summary).get("failure") if isinstance(summary, str) else None
    except ValueError:
        reason = None
    return reason or first_line(context.get("exception") or "unknown")


class TaskFailedAlert(BaseNotifier):
    """on_failure_callback: Airflow calls it once a task has failed for good (not on a try that
    will be retried)."""

    def notify(self, context):
        ti = context["ti"]
        dag_id, run_id, task_id = ti.dag_id, ti.run_id, ti.task_id
        alert = Alert(subject=f"[{dag_id}] {task_id} failed in run {run_id}",
                      lines=(f"Task {task_id} of DAG {dag_id} failed for good in run {run_id}.",
                             f"Reason: {failure_reason(context)}"),
                      link=run_link(dag_id, run_id))
        # The task's process runs no event loop of its own.
        asyncio.run(alert.deliver(context))


class RunLateAlert(BaseNotifier):
    """A Deadline Alert's callback: the run has not succeeded (been verified) by its deadline. The
    triggerer creates it with the context {"dag_run": {...}, "deadline": {...}} and awaits it."""

    async def async_notify(self, context):
        run, deadline = context["dag_run"], context["deadline"]
        dag_id, run_id = run["dag_id"], run["dag_run_id"]
        alert = Alert(subject=f"[{dag_id}] run {run_id} is not verified by {deadline['deadline_time']}",
                      lines=(f"Run {run_id} of DAG {dag_id} has not been verified by its deadline,"
                             f" {deadline['deadline_time']}; it is {run.get('state')}.",),
                      link=run_link(dag_id, run_id))
        await alert.deliver(context)
