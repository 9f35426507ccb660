"""The Anki side: note types and note contents, the build state, the .apkg, the preview.

genanki is imported only inside this package, after the shim below.
"""

from __future__ import annotations

import functools
import sys
import types


def _skip_asyncio_import() -> None:
    """Let genanki use the standard library's cached_property.

    genanki imports the `cached_property` package, which imports asyncio for
    features genanki never uses: 30 ms, a tenth of a whole build of a small deck.
    """
    if "cached_property" not in sys.modules:
        shim = types.ModuleType("cached_property")
        shim.cached_property = functools.cached_property  # type: ignore[attr-defined]
        sys.modules["cached_property"] = shim


_skip_asyncio_import()
