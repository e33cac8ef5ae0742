"""Renderers: each turns a :class:`~goabilint.engine.RunResult` into text.

Every renderer is a pure function of the result and a few options, so the
same run can be written in any format and snapshot-tested.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from goabilint.outputs.github import render_github
from goabilint.outputs.json import render_json
from goabilint.outputs.text import render_text

if TYPE_CHECKING:
    from goabilint.engine import RunResult

FORMATS = ("text", "json", "github", "sarif")


def render_sarif(result: RunResult, **options: Any) -> str:
    """SARIF 2.1.0: :func:`goabilint.outputs.sarif.render_sarif`, imported
    on first use (sarif-om is a good part of start-up, and most runs print
    text or JSON)."""
    from goabilint.outputs import sarif

    return sarif.render_sarif(result, **options)


__all__ = ["FORMATS", "render_github", "render_json", "render_sarif", "render_text"]
