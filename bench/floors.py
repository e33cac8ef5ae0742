"""The floors goabilint is measured against, each run as its own process.

``python bench/floors.py parse FILELIST`` parses every file in FILELIST (one
path a line) once with tree-sitter-go, in this one process: what analysing
everything would cost if nothing were skipped and nothing else were done.

``python bench/floors.py read FILELIST NEEDS`` reads every file and tests it
against the prefilter byte strings of the rules for its kind (NEEDS: JSON
``{"go": [[hex, ...], ...], "asm": [...]}``, one list per rule, an empty
list meaning every file): the least a run that looks at every byte can do.

Both print one line of JSON on stdout. ``run.py`` starts them; they import
nothing from goabilint so that the floor is not charged for its start-up.
"""

from __future__ import annotations

import json
import sys
import time


def parse_all(paths: list[str]) -> dict:
    import tree_sitter
    import tree_sitter_go

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))
    started = time.perf_counter()
    size = errors = 0
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        size += len(data)
        if parser.parse(data).root_node.has_error:
            errors += 1
    return {
        "files": len(paths),
        "bytes": size,
        "with_errors": errors,
        "loop_seconds": time.perf_counter() - started,
    }


def read_all(paths: list[str], needs: dict[str, list[list[bytes]]]) -> dict:
    started = time.perf_counter()
    size = selected = 0
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        size += len(data)
        # A file is handed to rules when some rule's prefilter lets it through.
        rules = needs["go"] if path.endswith(".go") else needs["asm"]
        if any(not n or any(s in data for s in n) for n in rules):
            selected += 1
    return {
        "files": len(paths),
        "bytes": size,
        "prefilter_selected": selected,
        "loop_seconds": time.perf_counter() - started,
    }


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("parse", "read"):
        sys.stderr.write("usage: floors.py parse FILELIST | read FILELIST NEEDS\n")
        return 2
    with open(argv[1], encoding="utf-8", errors="surrogateescape") as f:
        paths = [line.rstrip("\n") for line in f if line.strip()]
    if argv[0] == "parse":
        result = parse_all([p for p in paths if p.endswith(".go")])
    else:
        needs = {
            kind: [[bytes.fromhex(h) for h in rule] for rule in rules]
            for kind, rules in json.loads(argv[2]).items()
        }
        result = read_all(paths, needs)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
