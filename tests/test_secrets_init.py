"""compose/secrets-init.sh, run for real: every secret generated once and kept, a value from .env
wins, each file readable only by the user that needs it, and Airflow accepts the generated keys."""

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from conftest import ROOT

SCRIPT = ROOT / "compose" / "secrets-init.sh"
OWNERS = {
    "AIRFLOW__CORE__FERNET_KEY": 50000,
    "AIRFLOW__API_AUTH__JWT_SECRET": 50000,
    "AIRFLOW__API__SECRET_KEY": 50000,
    "AIRFLOW_ADMIN_PASSWORD": 50000,
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": 50000,
    "POSTGRES_PASSWORD": 999,
    "CASSANDRA_SUPERUSER_PASSWORD": 0,
    "USERS_PIPELINE_CASSANDRA_PASSWORD": 50000,
    "USERS_PIPELINE_CASSANDRA_READER_PASSWORD": 50000,
    "USERS_PIPELINE_CASSANDRA_MIGRATOR_PASSWORD": 10001,
    "REDIS_PASSWORD": 0,
    "AIRFLOW__CELERY__BROKER_URL": 50000,
    "AIRFLOW__CELERY__RESULT_BACKEND": 50000,
}
# The alerts' Airflow connections: given in .env, or the stack's Mailpit for mail; never generated.
CONNECTIONS = {"AIRFLOW_CONN_SMTP_ALERTS": 50000, "AIRFLOW_CONN_SLACK_ALERTS": 50000}

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="gives each file to its user: needs root")


def run(directory, **environment):
    env = {"PATH": os.environ["PATH"], "SECRETS_DIR": str(directory), **environment}
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)


def secrets(directory):
    return {path.name: path.read_text() for path in Path(directory).iterdir()}


@pytest.fixture
def directory():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name) / "secrets"


def test_generates_every_secret_once_and_keeps_it(directory):
    assert run(directory).returncode == 0
    first = secrets(directory)
    assert set(first) == set(OWNERS) | set(CONNECTIONS)
    generated = [first[name] for name in OWNERS]
    assert all(len(value) >= 40 for value in generated)
    assert len(set(generated)) == len(generated), "two secrets are the same"
    Fernet(first["AIRFLOW__CORE__FERNET_KEY"].encode())  # raises unless a valid Fernet key
    assert first["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == \
        f"postgresql+psycopg2://airflow:{first['POSTGRES_PASSWORD']}@postgres:5432/airflow"
    assert first["AIRFLOW__CELERY__BROKER_URL"] == f"redis://:{first['REDIS_PASSWORD']}@redis:6379/0"
    assert first["AIRFLOW__CELERY__RESULT_BACKEND"] == f"db+{first['AIRFLOW__DATABASE__SQL_ALCHEMY_CONN']}"

    assert run(directory).returncode == 0
    assert secrets(directory) == first, "a second start changed the secrets"
    other = directory.parent / "other"
    assert run(other).returncode == 0
    assert secrets(other)["AIRFLOW__API_AUTH__JWT_SECRET"] != first["AIRFLOW__API_AUTH__JWT_SECRET"]


def test_each_file_is_readable_by_its_user_only(directory):
    assert run(directory).returncode == 0
    for name, uid in (OWNERS | CONNECTIONS).items():
        status = (directory / name).stat()
        assert (status.st_uid, oct(status.st_mode & 0o777)) == (uid, "0o400"), name


def test_a_value_from_env_wins_over_the_kept_one(directory):
    assert run(directory).returncode == 0
    result = run(directory, AIRFLOW_ADMIN_PASSWORD="chosen-in-env", POSTGRES_PASSWORD="Pg0wn", POSTGRES_DB="meta",
                 REDIS_PASSWORD="Rd0wn")
    assert result.returncode == 0, result.stderr
    values = secrets(directory)
    assert values["AIRFLOW_ADMIN_PASSWORD"] == "chosen-in-env"
    assert values["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == "postgresql+psycopg2://airflow:Pg0wn@postgres:5432/meta"
    assert values["AIRFLOW__CELERY__BROKER_URL"] == "redis://:Rd0wn@redis:6379/0"
    assert values["AIRFLOW__CELERY__RESULT_BACKEND"] == "db+postgresql+psycopg2://airflow:Pg0wn@postgres:5432/meta"


@pytest.mark.parametrize("name", ["POSTGRES_PASSWORD", "REDIS_PASSWORD"])
def test_a_password_that_would_break_its_url_is_refused(directory, name):
    result = run(directory, **{name: "p@ss/word"})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f"secrets-init: {name} may hold only")


def test_without_env_mail_goes_to_the_stacks_mailpit_and_slack_stays_off(directory):
    assert run(directory).returncode == 0
    values = secrets(directory)
    smtp = json.loads(values["AIRFLOW_CONN_SMTP_ALERTS"])
    assert (smtp["conn_type"], smtp["host"], smtp["port"]) == ("smtp", "mailpit", 1025)
    # Plain SMTP: the provider's defaults (SSL, then STARTTLS) would fail against Mailpit.
    assert (smtp["extra"]["disable_ssl"], smtp["extra"]["disable_tls"]) == (True, True)
    assert values["AIRFLOW_CONN_SLACK_ALERTS"] == ""


def test_the_alerts_connections_from_env_are_kept_as_given(directory):
    slack = '{"conn_type": "slackwebhook", "password": "https://hooks.slack.com/services/T0/B0/x"}'
    smtp = '{"conn_type": "smtp", "host": "smtp.example.org", "port": 587, "password": "it\'s $ecret"}'
    assert run(directory, AIRFLOW_CONN_SLACK_ALERTS=slack, AIRFLOW_CONN_SMTP_ALERTS=smtp).returncode == 0
    values = secrets(directory)
    assert (values["AIRFLOW_CONN_SLACK_ALERTS"], values["AIRFLOW_CONN_SMTP_ALERTS"]) == (slack, smtp)
