"""docker-compose.yml is valid for Debian's docker-compose 1.29 and describes the stack."""

import multiprocessing
import os
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
COMPOSE_FILE = PROJECT_DIR / "docker-compose.yml"
SERVICES = {"nginx", "lb", "web", "worker", "beat", "db", "redis", "mailpit"}
APP_SERVICES = {"web", "worker", "beat"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def run_compose(*args: str) -> subprocess.CompletedProcess:
    binary = shutil.which("docker-compose")
    if binary is None:
        # Fail, never skip: CI must validate the file; .ci/run installs the binary.
        pytest.fail(
            "docker-compose is not installed (apt-get install docker-compose, or run "
            ".ci/run, which installs it).",
            pytrace=False,
        )
    # A checkout has no .env (it holds secrets); validate against the documented example.
    env = {**os.environ, "TRADEOFFS_ENV_FILE": ".env.example"}
    return subprocess.run(
        [binary, "-f", str(COMPOSE_FILE), *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_docker_compose_accepts_the_file():
    result = run_compose("config", "-q")

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""


def test_compose_file_uses_only_keys_compose_1_29_understands(compose):
    assert compose["version"] == "3.8"
    assert "name" not in compose
    for service in compose["services"].values():
        assert "develop" not in service
        assert "start_interval" not in service.get("healthcheck", {})


def test_every_long_running_service_has_a_healthcheck(compose):
    services = compose["services"]

    assert SERVICES <= set(services)
    for name in SERVICES:
        assert services[name]["healthcheck"]["test"], name


def test_app_services_wait_for_healthy_backends_and_a_migrated_schema(compose):
    services = compose["services"]

    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["db"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name
        assert depends_on["migrate"]["condition"] == "service_completed_successfully"
    assert "migrate" in services["migrate"]["command"]


def test_app_services_share_the_env_file_and_production_settings(compose):
    services = compose["services"]

    for name in APP_SERVICES | {"migrate"}:
        assert services[name]["env_file"] == "${TRADEOFFS_ENV_FILE:-.env}", name
        environment = services[name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert environment["DATABASE_URL"].split("@")[1].startswith("db:5432/")
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert environment["EMAIL_URL"] == "smtp://mailpit:1025"
    assert services["web"]["command"].startswith("gunicorn config.wsgi")
    assert services["worker"]["command"].startswith("celery -A config worker")
    assert "DatabaseScheduler" in services["beat"]["command"]


def test_images_are_the_documented_versions(compose):
    services = compose["services"]

    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert services["mailpit"]["image"].startswith("axllent/mailpit")
    assert {"8025:8025", "1025:1025"} <= set(services["mailpit"]["ports"])


def test_image_is_python_3_11_slim_and_runs_as_a_non_root_user():
    lines = [
        line.strip()
        for line in (PROJECT_DIR / "Dockerfile")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    instructions = [line.split()[0].upper() for line in lines]

    assert lines[0] == "FROM python:3.11-slim"
    user_lines = [line for line in lines if line.upper().startswith("USER ")]
    assert user_lines and user_lines[-1].split()[1] not in {"root", "0"}
    # Nothing after the last USER may run as root again.
    assert "RUN" not in instructions[instructions.index("USER") :]
    assert any("collectstatic" in line for line in lines)
    assert "gunicorn" in lines[-1]


def test_docker_build_context_leaves_out_secrets_and_local_state():
    ignored = {
        line.strip()
        for line in (PROJECT_DIR / ".dockerignore")
        .read_text(encoding="utf-8")
        .splitlines()
    }

    assert {".env", ".git", ".venv", "var"} <= ignored


def test_nginx_is_the_only_way_in_and_it_and_the_balancer_the_only_trusted_proxies(
    compose,
):
    services = compose["services"]
    nginx, lb, web = services["nginx"], services["lb"], services["web"]
    nginx_ip = nginx["networks"]["default"]["ipv4_address"]
    lb_ip = lb["networks"]["default"]["ipv4_address"]

    assert nginx["ports"] == ["8000:80"]
    assert "ports" not in web and "ports" not in lb
    assert nginx["environment"]["TRADEOFFS_UPSTREAM"] == "lb:8080"
    assert "--forwarded-allow-ips=*" not in web["command"]
    # gunicorn's peer is the balancer: only it may say the request came over HTTPS.
    assert f"--forwarded-allow-ips={lb_ip}" in web["command"]
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["DJANGO_TRUSTED_PROXIES"] == f"{nginx_ip},{lb_ip}", name
        # The cache has its own Redis database, never the broker's.
        assert environment["REDIS_CACHE_URL"] != environment["CELERY_BROKER_URL"]
    template = PROJECT_DIR / nginx["volumes"][0].split(":")[0]
    text = template.read_text(encoding="utf-8")
    for directive in (
        "client_header_timeout 10s;",
        "client_body_timeout 10s;",
        "proxy_request_buffering on;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
    ):
        assert directive in text, directive


# --- Scaling out: docker-compose up --scale web=2 --scale worker=2 ----------------------


def test_web_and_worker_can_be_scaled_and_beat_stays_one(compose):
    services = compose["services"]

    for name in ("web", "worker"):
        service = services[name]
        # A fixed name, host port or address would clash between two replicas.
        assert "container_name" not in service, name
        assert "ports" not in service, name
        assert "networks" not in service, name
    # Each worker replica answers to its own node name (its container's hostname).
    assert "--hostname worker@%h" in services["worker"]["command"]
    assert "worker@$$HOSTNAME" in " ".join(services["worker"]["healthcheck"]["test"])
    assert "deploy" not in services["beat"]
    result = run_compose("config", "--services")
    assert result.returncode == 0, result.stderr
    assert {"nginx", "lb", "web", "worker", "beat"} <= set(result.stdout.split())


def test_the_balancer_runs_the_projects_haproxy_file_over_every_web_replica(compose):
    lb = compose["services"]["lb"]
    source, target, mode = lb["volumes"][0].split(":")
    config = PROJECT_DIR / source
    text = config.read_text(encoding="utf-8")

    assert lb["image"].startswith("haproxy:")
    assert (target, mode) == ("/usr/local/etc/haproxy/haproxy.cfg", "ro")
    assert lb["depends_on"]["web"]["condition"] == "service_healthy"
    assert lb["healthcheck"]["test"]
    # Every replica of `web` on gunicorn's port, through Docker's DNS.
    assert "server-template web 10 web:8000 resolvers docker init-addr none" in text
    assert "--bind 0.0.0.0:8000" in compose["services"]["web"]["command"]
    assert "nameserver dns 127.0.0.11:53" in text
    assert "bind :8080" in text and "lb:8080" in str(compose["services"]["nginx"])
    # Retried elsewhere only when the node took nothing or answered nothing.
    assert "retry-on conn-failure empty-response" in text
    assert "option redispatch" in text
    assert "option forwardfor" in text


def test_haproxy_accepts_the_file_and_the_drills_rendering_of_it(tmp_path):
    from bench.drill.multinode import HAPROXY, render_lb

    if not Path(HAPROXY).exists():
        # Fail, never skip: .ci/run installs it (Debian's haproxy).
        pytest.fail(f"{HAPROXY} is missing: apt-get install -y haproxy", pytrace=False)
    drill = render_lb(
        tmp_path / "drill.cfg", listen_port=18080, nodes={"web1": 18081, "web2": 18082}
    )

    for config in (PROJECT_DIR / "config" / "haproxy" / "haproxy.cfg", drill):
        result = subprocess.run(
            [HAPROXY, "-c", "-f", str(config)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
    text = drill.read_text(encoding="utf-8")
    assert "server web1 127.0.0.1:18081" in text
    assert "server web2 127.0.0.1:18082" in text
    assert "resolvers" not in text and "bind 127.0.0.1:18080" in text


def _gunicorn_workers(monkeypatch, value: str | None) -> int:
    if value is None:
        monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    else:
        monkeypatch.setenv("GUNICORN_WORKERS", value)
    settings = runpy.run_path(str(PROJECT_DIR / "config" / "gunicorn.conf.py"))
    return settings["workers"]


def test_web_nodes_run_two_gunicorn_workers_per_core_unless_told(compose, monkeypatch):
    assert "--config config/gunicorn.conf.py" in compose["services"]["web"]["command"]
    assert "--workers" not in compose["services"]["web"]["command"]
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text(encoding="utf-8")
    assert '"--config", "config/gunicorn.conf.py"' in dockerfile

    assert _gunicorn_workers(monkeypatch, None) == 2 * multiprocessing.cpu_count()
    assert _gunicorn_workers(monkeypatch, "") == 2 * multiprocessing.cpu_count()
    assert _gunicorn_workers(monkeypatch, "5") == 5
