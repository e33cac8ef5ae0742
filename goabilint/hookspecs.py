"""The hooks a goabilint plugin can implement, grouped by phase.

A plugin is a module or object registered under the ``goabilint`` entry-point
group. Most plugins only implement :func:`goabilint_rules` and put their
checks on the :class:`~goabilint.rule.Rule` records they return; the engine's
own dispatcher then runs each enabled rule. The check hooks below are for
plugins that want to see every file themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from goabilint.context import Targets
    from goabilint.rule import Finding, Rule
    from goabilint.source import AsmFile, GoFile, Package

PROJECT = "goabilint"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# Registration


@hookspec
def goabilint_rules() -> list[Rule]:
    """Return the rules this plugin provides.

    Called once per run; results of all plugins are combined. Codes and names
    must be unique across all plugins.
    """


# Checking. Each call may return findings; ``enabled`` is the set of rule
# codes turned on for the file (a plugin must not report other codes).


@hookspec
def goabilint_check_go_file(
    file: GoFile, enabled: frozenset[str], targets: Targets
) -> list[Finding] | None:
    """Check one parsed Go file."""


@hookspec
def goabilint_check_asm_file(
    file: AsmFile, enabled: frozenset[str], targets: Targets
) -> list[Finding] | None:
    """Check one Go assembly file."""


@hookspec
def goabilint_check_package(
    package: Package, enabled: frozenset[str], targets: Targets
) -> list[Finding] | None:
    """Check the files of one directory together."""
