"""The README's tour is code a newcomer pastes: it must run as written."""
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_tour_runs(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert blocks, "the README has no python example"
    monkeypatch.chdir(tmp_path)
    for i, code in enumerate(blocks):
        exec(compile(code, f"README.md block {i}", "exec"), {})
    assert (tmp_path / "people.groggy" / "CURRENT").exists()


def test_ci_runs_the_readmes_install_and_test_commands():
    """The README's first block gives the two commands a newcomer runs; CI runs the same
    install and test commands, so they keep working."""
    block = re.search(r"```\n(.*?)```", README.read_text(), re.S)[1]
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2, commands
    setup, test = commands
    install = setup.split(" && ")[1]                 # venv && install && demo
    ci = (README.parent / ".ci" / "run").read_text().splitlines()
    assert install in ci and test in ci, (install, test)
