"""Renderers: each turns a :class:`~goabilint.engine.RunResult` into text.

Every renderer is a pure function of the result and a few options, so the
same run can be written in any format and snapshot-tested.
"""

from __future__ import annotations

from goabilint.outputs.github import render_github
from goabilint.outputs.json import render_json
from goabilint.outputs.sarif import render_sarif
from goabilint.outputs.text import render_text

FORMATS = ("text", "json", "github", "sarif")

__all__ = ["FORMATS", "render_github", "render_json", "render_sarif", "render_text"]
