import os
import sys

# `python -m` puts the working directory first on sys.path. That is usually
# the tree being analysed, which must not be able to supply a module or a
# plugin (a *.dist-info with goabilint entry points) that would then run.
if not sys.flags.safe_path and sys.path and sys.path[0] == os.getcwd():
    del sys.path[0]

from goabilint.cli import entry  # noqa: E402

entry()
