"""The user's Anki collection: found as Anki finds it, written with Anki's own backend.

Only `push` imports the `anki` package (the optional `exporter[anki]` extra): Anki's
Rust importer, the one Anki desktop runs, so a push does what File → Import does.
"""

from __future__ import annotations

import io
import os
import pickle
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from exporter.errors import ExporterError

if TYPE_CHECKING:
    from anki.collection import Collection

INSTALL_HINT = "exporter {command} needs Anki's backend: pip install 'exporter[anki]'"
GLOBAL_PROFILE = "_global"  # the row of prefs21.db that holds Anki's own settings
# The packages a user could import by hand instead, found only when they are named.
Packages = Callable[[], Sequence[Path]]


@dataclass(frozen=True)
class Target:
    """A collection to write, and how to name it to the user."""

    path: Path
    name: str


def anki_base() -> Path:
    """The folder of Anki's profiles: ANKI_BASE, or the platform's Anki2 folder."""
    named = os.environ.get("ANKI_BASE")
    if named:
        return Path(named)
    return Path(platformdirs.user_data_dir("Anki2", appauthor=False, roaming=True))


def find_collection(profile: str | None, collection: Path | None) -> Target:
    """The collection named by `collection`, or the profile `profile`, or the only
    profile, or the one Anki opened last."""
    if collection is not None:
        if not collection.is_file():
            raise ExporterError(f"{collection}: no such Anki collection")
        return Target(collection, str(collection))
    base = anki_base()
    names, last = _profiles(base)
    if not names:
        raise ExporterError(
            f"{base}: no Anki profiles here; open Anki once, or name a collection.anki2"
            " with --collection"
        )
    if profile is not None:
        chosen = [name for name in names if name.casefold() == profile.casefold()]
        if not chosen:
            raise ExporterError(f"{base}: no Anki profile '{profile}'; there is {_listed(names)}")
        name = chosen[0]
    elif len(names) == 1:
        name = names[0]
    elif last in names:
        name = last
    else:
        several = f"{base}: several Anki profiles, {_listed(names)}"
        raise ExporterError(f"{several}; choose one with --profile")
    return Target(base / name / "collection.anki2", f"Anki profile '{name}'")


def _listed(names: Sequence[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def _profiles(base: Path) -> tuple[list[str], str | None]:
    """The profile names in prefs21.db, and the one Anki opened last, if it says."""
    prefs = base / "prefs21.db"
    if not prefs.is_file():
        return [], None
    try:
        with closing(sqlite3.connect(f"{prefs.absolute().as_uri()}?mode=ro", uri=True)) as database:
            rows = database.execute("select name, data from profiles").fetchall()
    except sqlite3.Error as error:
        raise ExporterError(f"{prefs}: cannot read Anki's profiles: {error}") from None
    names = sorted(str(name) for name, _ in rows if name != GLOBAL_PROFILE)
    settings = next((_settings(data) for name, data in rows if name == GLOBAL_PROFILE), {})
    last = settings.get("last_loaded_profile_name")
    return names, last if isinstance(last, str) else None


class _PlainUnpickler(pickle.Unpickler):
    """Reads only plain values (dicts, lists, strings, numbers): Anki pickles its
    settings, and a pickle that names any class could run code."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


def _settings(data: object) -> dict[str, object]:
    try:
        settings = _PlainUnpickler(io.BytesIO(bytes(data))).load()  # type: ignore[call-overload]
    except Exception:  # a profile Anki itself would reset: no last profile then
        return {}
    return settings if isinstance(settings, dict) else {}


@contextmanager
def opened(target: Target, packages: Packages = tuple) -> Iterator[Collection]:
    """The collection, open for writing, closed at the end; a clear error when Anki
    (or anything else) has it open, naming the `packages` to import by hand instead."""
    try:
        from anki.collection import Collection
        from anki.errors import DBError
    except ImportError:
        raise ExporterError(INSTALL_HINT.format(command="push")) from None
    if target.path.exists():  # a profile's first collection is made by opening it
        _check_collection(target, packages)
    try:
        collection = Collection(str(target.path))
    except DBError as error:  # taken between the check and now
        if "already open" not in str(error):
            raise ExporterError(f"{target.path}: Anki cannot open it") from None
        raise _open_in_anki(target, packages) from None
    try:
        yield collection
    finally:
        collection.close()


def copy_for_reading(target: Target, folder: Path, instead: str = "") -> Target:
    """A copy of the collection in `folder`, made without opening it for writing;
    `instead` is what to do when Anki holds it (default: import the .apkg by hand)."""
    _check_collection(target, instead=instead)
    copy = folder / target.path.name
    for suffix in ("", "-wal"):  # the log holds what is not yet in the file itself
        original = target.path.with_name(target.path.name + suffix)
        if original.exists():
            shutil.copy2(original, copy.with_name(copy.name + suffix))
    return Target(copy, target.name)


def _check_collection(target: Target, packages: Packages = tuple, instead: str = "") -> None:
    """Read the collection without writing it: refuse one that is not an Anki
    collection, or that another program holds (Anki locks the file while it runs)."""
    uri = f"{target.path.absolute().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as database:
            database.execute("select scm from col").fetchone()
    except sqlite3.DatabaseError as error:
        if "locked" in str(error):
            raise _open_in_anki(target, packages, instead) from None
        raise ExporterError(f"{target.path}: not an Anki collection ({error})") from None


def _open_in_anki(target: Target, packages: Packages = tuple, instead: str = "") -> ExporterError:
    if not instead:
        named = " and ".join(str(package) for package in packages()) or "the .apkg"
        instead = f"import {named} with File → Import"
    return ExporterError(f"{target.name} is open in Anki: close Anki and run again, or {instead}")
