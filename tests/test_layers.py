"""The direction of dependencies (DESIGN.md §2).

import-linter checks the contracts in pyproject.toml ([tool.importlinter]): the layers
from the console script down to ovote.crypto, and the purity of ovote.crypto and
ovote.record. Two rules it cannot state are checked here on the source: ovote.crypto
uses only the standard library, PyNaCl and `cryptography`, and nothing below the views
and commands reads Flask's request globals or the app's runtime.
"""
import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root):
    """Run import-linter on the project at `root`; returns (passed, its report)."""
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=root,
                            capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(root)})
    return result.returncode == 0, result.stdout + result.stderr


def test_the_import_contracts_hold():
    passed, report = lint_imports(ROOT)
    assert passed, report


def project_copy(tmp_path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "ovote", tmp_path / "ovote",
                    ignore=shutil.ignore_patterns("__pycache__", "static", "translations"))
    return tmp_path


@pytest.mark.parametrize("module, line, refused", [
    ("ovote/crypto/group.py", "import ovote.registration.models", "ovote.registration"),
    ("ovote/crypto/group.py", "import flask", "flask"),
    ("ovote/accounts/models.py", "import ovote.registration.services", "ovote.registration"),
    ("ovote/registration/services.py", "import ovote.cli", "ovote.cli"),
    ("ovote/audit/services.py", "import ovote.accounts.models", "ovote.accounts"),
    ("ovote/elections/__init__.py", "from ovote.web import home", "ovote.web"),
    # Packages that do not exist yet are held to the contracts the day they appear.
    ("ovote/voting/__init__.py", "import ovote.tally", "ovote.tally"),
    ("ovote/record/reader.py", "import ovote.extensions", "ovote.extensions"),
])
def test_an_import_against_a_contract_fails_the_check(tmp_path, module, line, refused):
    """The check itself can fail: each of these imports, added to a copy of the project,
    breaks a contract."""
    root = project_copy(tmp_path)
    for package in ("voting", "tally", "record"):
        (root / "ovote" / package).mkdir(exist_ok=True)
        (root / "ovote" / package / "__init__.py").touch()
    with open(root / module, "a", encoding="utf-8") as source:
        source.write(f"\n{line}\n")
    passed, report = lint_imports(root)
    assert not passed
    assert any("is not allowed to import" in text and text.rstrip(":").endswith(refused)
               for text in report.splitlines()), report


def imported_modules(path):
    """Top-level names of the modules `path` imports (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


@pytest.mark.parametrize("package", ["crypto", "record"])
def test_crypto_and_record_use_only_the_standard_library_pynacl_and_cryptography(package):
    allowed = set(sys.stdlib_module_names) | {"nacl", "cryptography"}
    found = {}
    for path in sorted((ROOT / "ovote" / package).rglob("*.py")):
        for name in imported_modules(path):
            top = name.split(".")[0]
            own = ("ovote.crypto", f"ovote.{package}")  # record builds on crypto, and itself
            if top == "ovote" and not (name.startswith(own) or name == "ovote"):
                found.setdefault(path.name, []).append(name)
            elif top != "ovote" and top not in allowed:
                found.setdefault(path.name, []).append(name)
    assert found == {}


#: modules of the request and command layer, which may read Flask's globals and the runtime
#: (`ovote/api/` holds the JSON API's views)
#: (the form base and the JSON body reader fill the views' forms from the request, as Flask-WTF
#: itself does: they are of the views' layer, used by the forms of every domain)
VIEW_AND_COMMAND_LAYER = ("ovote/app.py", "ovote/console.py", "ovote/runtime.py", "ovote/schema.py",
                          "ovote/web/", "ovote/cli/", "ovote/accounts/access.py",
                          "ovote/form_input.py", "ovote/api_input.py", "ovote/api/")
_GLOBALS = {"current_app", "request", "g", "session"}


def test_nothing_below_the_views_and_commands_reads_the_app_or_the_request():
    """Services, rules and models take what they need as arguments: no `current_app`,
    `request`, `g` or `session` of Flask, and no `ovote.runtime`."""
    found = []
    for path in sorted((ROOT / "ovote").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name.startswith(VIEW_AND_COMMAND_LAYER) or name.endswith(("views.py", "/cli.py")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                found += [f"{name}: flask.{a.name}" for a in node.names if a.name in _GLOBALS]
            if isinstance(node, ast.ImportFrom) and node.module == "ovote.runtime":
                found.append(f"{name}: ovote.runtime")
    assert found == []
