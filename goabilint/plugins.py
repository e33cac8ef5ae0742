"""The plugin manager: hook specs, entry points, and the rule registry.

Built-in rules ship in the ``goabilint`` distribution and are loaded through
the same ``goabilint`` entry-point group as third-party plugins. Setting
``GOABILINT_DISABLE_PLUGIN_AUTOLOAD`` loads only the built-in ones. Plugins
are loaded in a fixed order (built-ins first, then by distribution and entry
name) so that runs are reproducible.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass

import pluggy

from goabilint import hookspecs
from goabilint.config import ConfigError
from goabilint.rule import DOC_SECTIONS, Rule

__all__ = ["Registry", "load_registry"]

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "goabilint"
BUILTIN_DIST = "goabilint"


@dataclass
class Registry:
    """The loaded plugins and every rule they registered, sorted by code."""

    manager: pluggy.PluginManager
    rules: list[Rule]

    def by_code(self) -> dict[str, Rule]:
        return {r.code: r for r in self.rules}

    def find(self, selector: str) -> Rule | None:
        """The rule with this exact code or name (case-insensitive code)."""
        for r in self.rules:
            if selector.upper() == r.code or selector == r.name:
                return r
        return None


def load_registry(extra_plugins: Sequence[object] = ()) -> Registry:
    """Create the plugin manager, load entry points and collect rules.

    :param extra_plugins: plugin objects registered after the entry points
        (used by tests and by the engine's own meta rules).
    :raises ConfigError: when a plugin fails to load or rules clash.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)

    builtin_only = bool(os.environ.get("GOABILINT_DISABLE_PLUGIN_AUTOLOAD"))
    eps = sorted(
        importlib.metadata.entry_points(group=ENTRY_POINT_GROUP),
        key=lambda ep: (_dist_name(ep) != BUILTIN_DIST, _dist_name(ep), ep.name),
    )
    seen_names: set[str] = set()
    for ep in eps:
        dist = _dist_name(ep)
        label = f"{dist}[{ep.name}]"
        if builtin_only and dist != BUILTIN_DIST:
            log.info("not loading plugin %s (autoload disabled)", label)
            continue
        if label in seen_names:
            continue  # the same distribution found twice on sys.path
        seen_names.add(label)
        try:
            plugin = ep.load()
        except Exception as e:  # a broken plugin must name itself, not crash us
            raise ConfigError(
                f"plugin {label} failed to load: {type(e).__name__}: {e}"
            ) from e
        if pm.is_registered(plugin):
            continue
        pm.register(plugin, name=label)
        log.debug("loaded plugin %s", label)
    for plugin in extra_plugins:
        pm.register(plugin, name=getattr(plugin, "plugin_name", None))

    rules = _collect_rules(pm)
    return Registry(pm, rules)


def _dist_name(ep: importlib.metadata.EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return _name_of(dist) if dist is not None else "?"


# A distribution's name is read from its metadata file each time it is
# asked for; the entry points of one distribution share one object.
_names: dict[int, tuple[object, str]] = {}


def _name_of(dist: importlib.metadata.Distribution) -> str:
    known = _names.get(id(dist))
    if known is None or known[0] is not dist:
        known = _names[id(dist)] = (dist, dist.name)
    return known[1]


def _collect_rules(pm: pluggy.PluginManager) -> list[Rule]:
    by_code: dict[str, Rule] = {}
    by_name: dict[str, Rule] = {}
    for impl in pm.hook.goabilint_rules.get_hookimpls():
        origin = pm.get_name(impl.plugin) or repr(impl.plugin)
        for rule in impl.function() or ():
            if not isinstance(rule, Rule):
                raise ConfigError(f"plugin {origin} returned {rule!r}, not a Rule")
            rule.origin = origin
            for key, table in ((rule.code, by_code), (rule.name, by_name)):
                if key in table and table[key] is not rule:
                    raise ConfigError(
                        f"rule {key} is registered by both {table[key].origin} and {origin}"
                    )
                table[key] = rule
            sections = rule.doc_sections()
            missing = [s for s in DOC_SECTIONS if s not in sections]
            if missing:
                log.warning(
                    "rule %s from %s lacks doc sections: %s",
                    rule.code,
                    origin,
                    ", ".join(missing),
                )
    return sorted(by_code.values(), key=lambda r: r.code)
