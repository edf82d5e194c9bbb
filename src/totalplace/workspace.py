"""A workspace: one study's folder — its settings (totalplace.toml), override files and the store."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

from .engine import Engine
from .reference.places import Places
from .reference.register import Register
from .sources.headers import Synonyms, load_synonyms
from .sources.overrides import Overrides
from .store.ledger import Store

CONFIG_FILE = "totalplace.toml"
OVERRIDES_DIR = "overrides"
COLUMN_ROLES_FILE = "column_roles.csv"
T = TypeVar("T")


class WorkspaceError(ValueError):
    """A folder that is not (or cannot become) a workspace."""


@dataclass
class Workspace:
    root: Path
    name: str

    @property
    def store(self) -> Store:
        return Store(self.root / "store")

    @property
    def overrides_dir(self) -> Path:
        return self.root / OVERRIDES_DIR

    def synonyms(self) -> Synonyms:
        return load_synonyms(self.root / COLUMN_ROLES_FILE)

    def overrides(self, synonyms: Synonyms | None = None) -> Overrides:
        return Overrides.load(self.overrides_dir, synonyms or self.synonyms())

    def register(self) -> Register:
        return _cached(Register.load, self.store.reference_dir)

    def places(self) -> Places:
        return _cached(Places.load, self.store.reference_dir)

    def engine(self, macros: bool = True) -> Engine:
        """A DuckDB engine spilling to the store's temp folder; `macros` False skips installing the money and
        date macros (~25 ms), which only reading files needs: the store's views do not use them."""
        return Engine(temp_dir=self.store.tmp_dir / "engine", macros=macros)


_LOADED: dict[tuple[Any, Path], tuple[tuple, Any]] = {}


def _cached(load: Callable[[Path], T], folder: Path) -> T:
    """The register and places, read once per process while their files are unchanged (a compare of ten
    places, or a region's districts, reads them once). Callers must not change what they are given."""
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*")) if p.is_file()) \
        if folder.exists() else ()
    key = (load, folder.resolve())
    if key not in _LOADED or _LOADED[key][0] != stamp:
        _LOADED[key] = (stamp, load(folder))
    return _LOADED[key][1]


def init_workspace(path: str | Path, name: str | None = None) -> Workspace:
    """Make `path` a workspace (the folder may exist; an existing workspace is left as it is)."""
    path = Path(path).resolve()
    config = path / CONFIG_FILE
    if config.exists():
        return open_workspace(path)
    if path.exists() and not path.is_dir():
        raise WorkspaceError(f"{path} is a file, not a folder.")
    path.mkdir(parents=True, exist_ok=True)
    name = name or path.name
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    config.write_text(
        "# totalplace workspace settings\n"
        "[workspace]\n"
        f'name = "{escaped}"\n'
        f'created = "{dt.date.today().isoformat()}"\n',
        encoding="utf-8",
    )
    (path / OVERRIDES_DIR).mkdir(exist_ok=True)
    ws = Workspace(path, name)
    ws.store.ensure()
    return ws


def open_workspace(path: str | Path) -> Workspace:
    """The workspace at `path`, or an error saying how to make one."""
    path = Path(path).resolve()
    config = path / CONFIG_FILE
    if not config.exists():
        raise WorkspaceError(
            f"{path} is not a totalplace workspace (no {CONFIG_FILE}). Make one with `totalplace init {path}` "
            "or point to one with -w DIR."
        )
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise WorkspaceError(f"{config}: not valid TOML ({exc}).") from exc
    name = str(data.get("workspace", {}).get("name", path.name))
    return Workspace(path, name)
