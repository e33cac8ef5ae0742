"""Small Go trees on disk, and two ways to run goabilint over them.

:func:`run_main` calls :func:`goabilint.cli.main` in this process (fast, and
what most tests need); :func:`run_process` starts ``python -m goabilint``,
for what only a real process shows: exit status, tracebacks, plugins found
through ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goabilint.cli import main

# LNK001's situation: a //go:linkname in a file that does not import unsafe.
LINKNAME_WITHOUT_UNSAFE = """\
package p

//go:linkname nanotime runtime.nanotime
func nanotime() int64
"""
LINKNAME_LINE = 3

CLEAN = """\
package p

func Add(a, b int) int { return a + b }
"""


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` below ``root`` and return ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        try:
            return json.loads(self.out)
        except json.JSONDecodeError:
            raise AssertionError(
                f"exit {self.code}, stdout not JSON; stderr:\n{self.err}"
            ) from None

    def paths(self) -> list[str]:
        """Paths of the findings in JSON output, in order."""
        return [f["path"] for f in self.json()["findings"]]

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def run_main(capsys, *args: str) -> Run:
    code = main(list(args))
    out, err = capsys.readouterr()
    return Run(code, out, err)


def run_process(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> Run:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GOABILINT_")}
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "goabilint", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,  # the tests judge the exit status
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)
