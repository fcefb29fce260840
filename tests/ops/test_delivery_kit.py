"""The offline delivery kit: the hashed locks are in step with pyproject.toml and with what the
tests run on; the Dockerfile, the compose file and the systemd units name files, commands and
services that exist. (No Docker daemon here: `docker compose up` itself is not run.)"""

import configparser
import re
import shlex
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]+\])?==([^\s;\\]+)")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock(path: Path) -> dict[str, tuple[str, int]]:
    """name → (version, number of hashes) of a `--generate-hashes` lock file."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = PIN.match(line)
        if match:
            current = _norm(match[1])
            pins[current] = (match[3], 0)
        elif line.strip().startswith("--hash=sha256:"):
            assert current, f"a hash before any requirement: {line}"
            version, n = pins[current]
            pins[current] = (version, n + 1)
        else:
            raise AssertionError(f"{path.name}: not a pinned, hashed requirement: {line!r}")
    return pins


def _pyproject_pins(extra: str | None = None) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])
    pins = {}
    for dep in deps:
        match = PIN.match(dep)
        assert match, f"pyproject.toml pins every dependency exactly: {dep}"
        pins[_norm(match[1])] = match[3]
    return pins


@pytest.mark.parametrize(
    ("lock", "extra"), [("requirements.lock", None), ("requirements-test.lock", "test")]
)
def test_the_lock_is_in_step_with_pyproject(lock, extra):
    pins = _lock(ROOT / lock)
    wanted = _pyproject_pins(extra)
    stale = {
        n: (v, pins.get(n, ("—",))[0]) for n, v in wanted.items() if pins.get(n, ("",))[0] != v
    }
    assert not stale, f"{lock} is out of step with pyproject.toml; run scripts/lock.sh: {stale}"
    assert all(n >= 1 for _, n in pins.values()), "every requirement carries its hashes"
    assert "scripts/lock.sh" in (ROOT / lock).read_text(encoding="utf-8")[:300]
    if extra is None:  # the product's closure holds no test tool
        assert not {"pytest", "playwright", "ruff"} & set(pins)


def test_the_tests_run_on_exactly_the_locked_versions():
    pins = _lock(ROOT / "requirements-test.lock")
    installed = {_norm(d.metadata["Name"]): d.version for d in metadata.distributions()}
    differ = {n: (v, installed.get(n)) for n, (v, _) in pins.items() if installed.get(n) != v}
    assert not differ, f"the virtualenv differs from requirements-test.lock: {differ}"
    runtime = _lock(ROOT / "requirements.lock")
    assert {n: v for n, (v, _) in runtime.items()} == {
        n: v for n, (v, _) in pins.items() if n in runtime
    }, "the runtime lock and the test lock agree on every shared package"


def _compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def _postloan_commands(argv: list[str]) -> list[str]:
    """The management commands a service's command line runs (also inside `sh -c`)."""
    if argv[:2] == ["sh", "-c"]:
        words = shlex.split(argv[2].replace(";", " ; "))
    else:
        words = argv
    return [words[i + 1] for i, w in enumerate(words) if w == "postloan"]


def test_the_compose_file_starts_db_migrate_web_worker_and_maintenance():
    services = _compose()["services"]
    assert set(services) == {"db", "migrate", "web", "worker", "maintenance"}
    known = set(get_commands())
    ran = {name: _postloan_commands(s["command"]) for name, s in services.items() if name != "db"}
    assert ran == {
        "migrate": ["migrate"],
        "web": [],
        "worker": ["db_worker"],
        "maintenance": ["recover-jobs", "clean-uploads"],
    }
    assert all(c in known for cs in ran.values() for c in cs)
    assert services["web"]["command"][:3] == ["gunicorn", "-c", "/opt/postloan/gunicorn.conf.py"]
    for name in ("web", "worker", "maintenance"):
        after = services[name]["depends_on"]
        assert after["migrate"]["condition"] == "service_completed_successfully"
        assert after["db"]["condition"] == "service_healthy"
        env = services[name]["environment"]
        assert "@db:5432/postloan" in env["DATABASE_URL"]
        assert ":?" in env["POSTLOAN_SECRET_KEY"]  # no default secret: refuses to start
        assert "postloan-scratch:/srv/postloan/scratch" in services[name]["volumes"]
    assert services["db"]["image"].startswith("postgres:15")  # = the image's pg_dump 15
    health = services["web"]["healthcheck"]["test"]
    compile(health[-1], "healthcheck", "exec")  # the folded one-liner is valid Python
    assert "/health/" in health[-1]
    assert set(_compose()["volumes"]) == {"pgdata", "postloan-var", "postloan-scratch"}
    example = (DEPLOY / "env.example").read_text(encoding="utf-8")
    for var in re.findall(r"\$\{([A-Z_]+):\?", (DEPLOY / "compose.yaml").read_text()):
        assert f"\n{var}=" in example, f"env.example names {var}"


def test_the_dockerfile_uses_what_the_kit_holds():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    build = (ROOT / "scripts" / "build-wheelhouse.sh").read_text(encoding="utf-8")
    kit = {  # what build-wheelhouse.sh puts into the kit → where it comes from in the repo
        "requirements.lock": ROOT / "requirements.lock",
        "install-offline.sh": ROOT / "scripts" / "install-offline.sh",
        "deploy/gunicorn.conf.py": DEPLOY / "gunicorn.conf.py",
        "wheelhouse/": None,
        "SHA256SUMS": None,
    }
    assert "cp requirements.lock" in build and "cp scripts/install-offline.sh" in build
    assert "cp -r deploy/." in build and "SHA256SUMS" in build and "wheelhouse" in build
    copied = []
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            copied += line.split()[1:-1]
    assert copied and set(copied) <= set(kit), copied
    assert all(kit[c] is None or kit[c].exists() for c in copied)
    assert "install-offline.sh /opt/postloan" in dockerfile
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    runtime_apt = re.search(r"apt_packages=\(([^)]*)\)", setup)[1].split()
    assert all(pkg in dockerfile for pkg in runtime_apt), "the image has setup.sh's packages"
    assert "postgresql-client-15" in dockerfile and "USER postloan" in dockerfile
    assert "gunicorn.conf.py" in dockerfile.splitlines()[-1]


def test_the_install_script_installs_from_the_wheelhouse_only():
    script = (ROOT / "scripts" / "install-offline.sh").read_text(encoding="utf-8")
    install = [line for line in script.splitlines() if 'pip" install' in line]
    assert len(install) == 2 and all("--no-index" in line for line in install)
    assert "--require-hashes" in script and "PIP_CONFIG_FILE=/dev/null" in script
    assert "sha256sum --quiet -c SHA256SUMS" in script
    build = (ROOT / "scripts" / "build-wheelhouse.sh").read_text(encoding="utf-8")
    assert (
        "pip download" in build and "--require-hashes" in build and "-r requirements.lock" in build
    )


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string((DEPLOY / "systemd" / name).read_text(encoding="utf-8"))
    return parser


def test_the_systemd_units_run_existing_commands():
    known = set(get_commands())
    units = sorted(
        p.name for p in (DEPLOY / "systemd").iterdir() if p.suffix in {".service", ".timer"}
    )
    assert units == [
        "postloan-backup.service",
        "postloan-backup.timer",
        "postloan-maintenance.service",
        "postloan-maintenance.timer",
        "postloan-web.service",
        "postloan-worker@.service",
    ]
    env_keys = {
        line.split("=", 1)[0]
        for line in (DEPLOY / "systemd" / "postloan.env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert {
        "DJANGO_SETTINGS_MODULE",
        "POSTLOAN_SECRET_KEY",
        "DATABASE_URL",
        "POSTLOAN_SCRATCH_DIR",
    } <= env_keys
    for name in units:
        unit = _unit(name)
        if name.endswith(".timer"):
            assert (DEPLOY / "systemd" / unit["Timer"]["Unit"]).exists()
            continue
        service = unit["Service"]
        assert service["EnvironmentFile"] == "/etc/postloan/postloan.env"
        assert service["User"] == "postloan"
        for line in (DEPLOY / "systemd" / name).read_text().splitlines():
            if not line.startswith("ExecStart="):
                continue
            argv = shlex.split(line.removeprefix("ExecStart="))
            if argv[0] == "/bin/sh":
                argv = shlex.split(argv[2])
            assert argv[0].startswith("/opt/postloan/venv/bin/")
            if argv[0].endswith("/postloan"):
                assert argv[1] in known, argv
            else:
                assert argv[0].endswith("/gunicorn") and "postloan.wsgi:application" in argv
