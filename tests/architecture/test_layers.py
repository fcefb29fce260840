"""The layers of docs/architecture.md, held against every import of the code (grimp, the graph
import-linter builds: imports inside functions count too), and import-linter's own contracts
(`.importlinter`: the pure engine). Zero upward imports, zero package cycles.

A module is a *face* (a page, the API, an admin, a command, a template tag, an app's
configuration, a background job's wrapper) or part of its room's *body*. Faces sit above every
body and may import anything; a body imports only bodies of its own room or of rooms below it,
and never a face.
"""

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]

# The rooms' bodies from the top of docs/architecture.md's map down; a line may import the
# lines below it only.
LAYERS = (
    ("day",),  # the business day: calls the rooms below in order
    ("documents",),
    ("reports",),
    ("units",),  # 停复牌: unit indicators, alerts, suspensions (reads meetings and below)
    ("meetings",),
    ("worklist",),
    ("forecast",),  # the default-probability model: reads risk's figures, raises EW-MODEL
    ("portfolio_risk",),  # concentration, group exposure, retail vintages: portfolio signals
    ("risk",),
    ("ingest",),
    ("analytics",),  # the analytical copy's files and generations (risk and ingest drive it)
    ("portfolio",),
    ("ops",),  # jobs, heartbeats, logs, login throttling (OPS_BODY); the rest is pages, commands
    ("accounts",),
    ("org",),
    ("core", "contract"),
)
FACE_ROOMS = {"web", "api", "demo", "urls", "settings", "settings_production", "wsgi", "cli"}
FACE_PARTS = {"views", "urls", "api", "admin", "management", "templatetags", "apps"}
OPS_BODY = {"postloan.ops", "postloan.ops.models", "postloan.ops.jobs", "postloan.ops.heartbeat"}
OPS_BODY |= {"postloan.ops.logs", "postloan.ops.throttling", "postloan.ops.migrations"}
RANK = {room: i for i, rooms in enumerate(LAYERS) for room in rooms}


def room(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def is_face(module: str) -> bool:
    parts = module.split(".")
    if room(module) in FACE_ROOMS:
        return True
    if room(module) == "ops":
        return not any(module == b or module.startswith(b + ".migrations") for b in OPS_BODY)
    return any(part in FACE_PARTS for part in parts[2:])


@pytest.fixture(scope="module")
def graph():
    sys.path.insert(0, str(ROOT / "src"))
    return grimp.build_graph("postloan", cache_dir=None)


def body_imports(graph):
    for module in sorted(graph.modules):
        if is_face(module) or module == "postloan":
            continue
        for target in sorted(graph.find_modules_directly_imported_by(module)):
            if target != "postloan":
                yield module, target


def test_no_body_imports_upward_or_a_face(graph):
    wrong = []
    for module, target in body_imports(graph):
        if is_face(target):
            wrong.append(f"{module} -> {target} (a face)")
        elif room(module) != room(target) and RANK[room(module)] >= RANK[room(target)]:
            wrong.append(f"{module} -> {target} (up the map)")
    assert wrong == []


def test_no_package_cycles(graph):
    edges: dict[str, set[str]] = {}
    for module, target in body_imports(graph):
        if room(module) != room(target):
            edges.setdefault(room(module), set()).add(room(target))
    cycles = sorted(
        f"{a} <-> {b}" for a in edges for b in edges[a] if a < b and a in edges.get(b, ())
    )
    assert cycles == []


def test_every_room_has_a_place_on_the_map(graph):
    rooms = {room(m) for m in graph.modules if m != "postloan"}
    assert rooms - FACE_ROOMS - set(RANK) == set()


def test_import_linter_contracts_hold():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), str(ROOT / ".importlinter")],
        cwd=ROOT / "src",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
