"""The README's example, run as a user runs it, against each test server on a unix socket."""

import re
import sys
from pathlib import Path

import pytest

from conftest import Launcher, run_python

README = Path(__file__).resolve().parents[1] / "README.md"
PACKAGE = README.parent


@pytest.mark.parametrize("kind", ["node", "ccore"])
def test_readme_example_runs(kind, tmp_path):
    code = re.search(r"```python\n(# example\.py.*?)```", README.read_text(), re.S).group(1)
    (tmp_path / "example.py").write_text(code)
    launcher = Launcher()
    try:
        launcher.start(kind, "unix")
        alert = launcher.emit(1)[0]
        env = {"PYTHONPATH": str(PACKAGE / "src")}
        done = run_python([sys.executable, str(tmp_path / "example.py"), launcher.endpoint], env=env)
    finally:
        launcher.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Falco 0.43.1\n{alert['priority']} {alert['rule']}\n"
