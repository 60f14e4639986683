"""The README's example, run as a user runs it, against each test server on a unix socket."""

import re
import sys
from pathlib import Path

import pytest

from conftest import Launcher, run_python

README = Path(__file__).resolve().parents[1] / "README.md"
PACKAGE = README.parent


@pytest.mark.parametrize("name", ["example.py", "example_aio.py"])
@pytest.mark.parametrize("kind", ["node", "ccore"])
def test_readme_example_runs(kind, name, tmp_path):
    code = re.search(rf"```python\n(# {re.escape(name)}.*?)```", README.read_text(), re.S).group(1)
    (tmp_path / name).write_text(code)
    launcher = Launcher()
    try:
        launcher.start(kind, "unix")
        alert = launcher.emit(1)[0]
        env = {"PYTHONPATH": str(PACKAGE / "src")}
        done = run_python([sys.executable, str(tmp_path / name), launcher.endpoint], env=env)
    finally:
        launcher.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Falco 0.43.1\n{alert['priority']} {alert['rule']}\n"
