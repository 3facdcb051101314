"""A clone made with Windows' core.autocrlf=true still gives Linux containers LF scripts and configs:
a mounted script with CRLF fails at its first line ("set: pipefail\r: invalid option name")."""

import subprocess

from conftest import ROOT

# What containers run or read from a checkout: mounted scripts, configs and the schema, Dockerfiles.
MOUNTED = ("*.sh", "*.cfg", "*.cql", "*.yml", "*.properties", "Dockerfile", ".env.example")


def test_a_clone_with_autocrlf_keeps_lf_in_everything_containers_read(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "-c", "core.autocrlf=true", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)],
                   check=True, timeout=120)
    files = subprocess.run(["git", "ls-files", "--", *MOUNTED, *(f"**/{p}" for p in MOUNTED)], cwd=clone,
                           check=True, capture_output=True, text=True).stdout.split()
    assert "compose/kafka-init.sh" in files and "docker-compose.yml" in files
    with_crlf = [name for name in files if b"\r\n" in (clone / name).read_bytes()]
    assert not with_crlf, f"CRLF after a checkout with core.autocrlf=true: {with_crlf}"
