"""Ingest published files into a workspace's ledger: recognise each file, read it, account for every row.

Each file is ingested whole or not at all (see the store). Identical bytes ingested before are reported as
already loaded and not read again. ZIP archives are opened and each file inside is ingested as its own file,
named `archive.zip/inner.csv`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import zipfile
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from . import __version__
from .classification import refresh_classification, rule_set
from .counterparties import refresh_matches
from .money import format_pounds
from .read.excel import SheetRows, WorkbookError, read_sheets
from .read.sniff import FileKind, UnsupportedFile, detect_kind
from .read.text import sniff_text
from .sources.layout import LayoutError
from .sources.overrides import OverrideError
from .sources.accounting import totals
from .sources.bodies import describe_bodies, distinct_body_pairs, resolve_bodies
from .sources.cra import read_cra
from .sources.assets import ASSETS, rematch_assets
from .sources.errors import IngestError
from .sources.estate import detect_estate, is_geojson_file, read_estate
from .sources.national import OUTTURN, NationalFacts, detect_national
from .sources.outturn import read_outturn, rematch_outturn, resolve_outturn_bodies, year_start
from .sources.spend import FileFacts, SpendContext, read_text_table, read_workbook
from .reference.places import load_places
from .reference.register import load_register_files
from .store.ledger import write_json_atomic, write_summary
from .workspace import Workspace

USER_ERRORS = (IngestError, UnsupportedFile, WorkbookError, LayoutError, OverrideError)


@dataclass
class IngestResult:
    """What happened to one file: the figures of its accounting, or why it failed."""

    file: str
    sha256: str | None = None
    status: str = "failed"  # loaded | already_loaded | failed
    dataset: str = "payments"  # payments | outturn (RS returns) | cra (HM Treasury CRA) | assets | boundaries
    body: str | None = None
    format: str | None = None
    encoding: str | None = None
    sheets: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    rejected_reasons: dict[str, int] = field(default_factory=dict)
    loaded_pence: int = 0
    rejected_pence: int = 0
    declared_total_pence: int | None = None
    difference_pence: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    source_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any], status: str) -> "IngestResult":
        keys = set(cls.__dataclass_fields__)
        values = {k: v for k, v in manifest.items() if k in keys}
        values["status"] = status
        return cls(**values)


def source_id_for(sha256: str) -> str:
    return sha256[:16]


def file_sha256(path: Path) -> str:
    """The file's sha256, read through one reused buffer (hashlib.file_digest): no chunk of bytes made per read,
    and no more of the file in memory than the buffer (a memory map was a little faster, but counted every page
    of the file in the process's memory)."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def expand_paths(paths: list[Path]) -> Iterator[Path]:
    """The files named: folders are searched (hidden files left out), files taken as they are."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith("."):
                    yield child
        else:
            yield path


def ingest(
    workspace: Workspace,
    paths: list[str | Path],
    body: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[IngestResult]:
    """Ingest payment files (or folders of them, or ZIP archives) into the workspace's ledger. RS returns and CRA
    databases are recognised by their content and kept as datasets of their own (see sources/national.py), and
    so are public-estate files: asset registers, lists of places, GeoJSON, NHS estates (sources/estate.py).

    `body` says whose spending the files are (a name or code in the register) when a file does not say.
    Returns one result per file, in the order read; failures are results too, not exceptions.
    """
    say = progress or (lambda message: None)
    store = workspace.store
    results: list[IngestResult] = []
    rule_set(workspace)  # a mistake in the workspace's classification rules stops the run before anything is loaded
    with store.writing():
        synonyms = workspace.synonyms()
        engine = workspace.engine()
        try:
            ctx = SpendContext(engine, workspace.register(), synonyms, workspace.overrides(synonyms), say)
            for path in expand_paths([Path(p) for p in paths]):
                results.extend(_ingest_path(ctx, workspace, path, path.name, body, container=None))
        finally:
            engine.close()
        if any(r.status == "loaded" for r in results):
            say("matching suppliers to public bodies")
            refresh_matches(workspace, store, full=False)
            say("classifying new labels by function and theme")
            refresh_classification(workspace, store, full=False)
    return results


def _ingest_path(
    ctx: SpendContext, workspace: Workspace, path: Path, name: str, body: str | None, container: str | None
) -> list[IngestResult]:
    if not path.exists():
        return [IngestResult(file=name, error=f"{path}: no such file.")]
    try:
        kind = detect_kind(path, name)
    except UnsupportedFile as exc:
        return [IngestResult(file=name, error=str(exc))]
    if kind is FileKind.ZIP:
        return _ingest_zip(ctx, workspace, path, name, body, container)
    return [_ingest_file(ctx, workspace, path, name, kind, body, container)]


def _ingest_zip(
    ctx: SpendContext, workspace: Workspace, path: Path, name: str, body: str | None, container: str | None
) -> list[IngestResult]:
    """Each file inside is ingested as its own file; one that cannot be unpacked fails on its own."""
    here = name if container else str(path.resolve())  # what the files inside record as their container
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return [IngestResult(file=name, error=f"{name}: the ZIP archive cannot be opened ({exc}).")]
    results: list[IngestResult] = []
    unpack = workspace.store.staging("zip")
    try:
        with archive:
            members = [m for m in archive.infolist() if not m.is_dir() and not Path(m.filename).name.startswith(".")]
            if not members:
                return [IngestResult(file=name, error=f"{name}: the ZIP archive holds no files.")]
            for i, member in enumerate(members):
                inner = f"{name}/{member.filename}"
                if member.flag_bits & 0x1:
                    results.append(IngestResult(file=inner, error=(
                        f"{inner}: the file is encrypted (the archive has a password); unpack it with the password "
                        "and ingest the files it holds.")))
                    continue
                target = unpack / f"{i}{Path(member.filename).suffix}"
                try:
                    with archive.open(member) as src, target.open("wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 22)
                except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, EOFError) as exc:
                    results.append(IngestResult(file=inner, error=f"{inner}: cannot be unpacked, the archive is damaged ({exc})."))
                    continue
                results.extend(_ingest_path(ctx, workspace, target, inner, body, container=here))
                target.unlink(missing_ok=True)
    finally:
        shutil.rmtree(unpack, ignore_errors=True)
    return results


def _ingest_file(
    ctx: SpendContext, workspace: Workspace, path: Path, name: str, kind: FileKind, body: str | None,
    container: str | None,
) -> IngestResult:
    store = workspace.store
    ctx.progress(f"{name}: checking")
    sha256 = file_sha256(path)
    source_id = source_id_for(sha256)
    existing = store.manifest(source_id)
    if existing is not None:
        return _already_loaded(existing, name, body)
    staged = store.staging(source_id)
    try:
        override = ctx.overrides.for_file(Path(name).name, sha256)
        body_given = body or (override.layout.body if override else None)
        ctx.progress(f"{name}: reading")
        workdir = store.staging(f"{source_id}-work")
        try:
            # sniffed once, for the estate check and the payment table alike (a GeoJSON file is not sniffed)
            sniffed = sniff_text(path) if kind is FileKind.TEXT and not is_geojson_file(path) else None
            estate = detect_estate(path, name, sniffed) if kind is FileKind.TEXT else None
            if estate is not None:  # a public-estate file, not payments: its own dataset
                ctx.progress(f"{name}: reading (public estate)")
                assets = read_estate(estate, path, name, source_id, ctx.register, body)
                manifest = _national_manifest(path, name, sha256, source_id, container, staged, assets)
                store.commit(source_id, staged, manifest)
                return IngestResult.from_manifest(manifest, "loaded")
            if kind is FileKind.TEXT:
                facts = read_text_table(ctx, path, name, source_id, staged, override, workdir, bool(body_given), sniffed)
            else:
                sheets = read_sheets(path, name)
                dataset = detect_national(sheets)
                if dataset is not None:  # a national finance source, not payments: its own dataset
                    national = _read_national(ctx, name, kind, source_id, sheets, dataset, body)
                    manifest = _national_manifest(path, name, sha256, source_id, container, staged, national)
                    store.commit(source_id, staged, manifest)
                    return IngestResult.from_manifest(manifest, "loaded")
                facts = read_workbook(ctx, path, name, kind, source_id, staged, override, bool(body_given), sheets)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        if facts.override is not None and not body_given:
            body_given = facts.override.layout.body
        manifest = _manifest(ctx, path, name, kind, sha256, source_id, container, staged, facts, body_given)
        store.commit(source_id, staged, manifest)
        return IngestResult.from_manifest(manifest, "loaded")
    except USER_ERRORS as exc:
        shutil.rmtree(staged, ignore_errors=True)
        return IngestResult(file=name, sha256=sha256, format=kind.value, error=str(exc), source_id=source_id)
    except Exception as exc:  # a fault in totalplace itself: this file fails, the others still go in
        shutil.rmtree(staged, ignore_errors=True)
        message = f"{name}: totalplace could not ingest it ({type(exc).__name__}: {exc}); please report this with the file."
        return IngestResult(file=name, sha256=sha256, format=kind.value, error=message, source_id=source_id)
    except BaseException:  # interrupted (Ctrl-C): leave nothing half-written, then stop
        shutil.rmtree(staged, ignore_errors=True)
        raise


def _already_loaded(manifest: dict[str, Any], name: str, body: str | None) -> IngestResult:
    result = IngestResult.from_manifest(manifest, "already_loaded")
    result.file = name
    result.warnings = []
    if manifest["file"] != name:
        result.warnings.append(
            f"the same bytes as '{manifest['file']}', ingested {manifest.get('ingested_at', '')}: not read again")
    if body and body != manifest.get("body_given"):
        result.warnings.append(
            f"--body '{body}' not applied: the file was ingested before ({manifest.get('body') or 'no body'}). "
            f"To ingest it again, first `totalplace forget {manifest['source_id']}`.")
    return result


def _manifest(
    ctx: SpendContext, path: Path, name: str, kind: FileKind, sha256: str, source_id: str, container: str | None,
    staged: Path, facts: FileFacts, body_given: str | None,
) -> dict[str, Any]:
    summary_file = write_summary(ctx.engine, staged, [p.file for p in facts.parts if p.file])
    summary = totals(facts.parts)
    warnings: list[str] = []
    on = dt.date.fromisoformat(summary["date_min"]) if summary["date_min"] else None
    pairs = distinct_body_pairs(ctx.engine, [staged / p.file for p in facts.parts if p.file])
    body_map = resolve_bodies(ctx.register, name, pairs, body_given, on, warnings)
    columns: dict[str, str] = {}
    for part in facts.parts:
        for role, header in part.columns.items():
            columns.setdefault(role, header)
    if summary["difference_pence"]:
        why = [n for p in facts.parts for n in p.notes if "total" in n or "no readable amount" in n]
        warnings.append(
            f"the file's declared total differs from the rows it covers by {format_pounds(summary['difference_pence'])}"
            + (": " + "; ".join(why) if why else "")
        )
    return {
        "source_id": source_id,
        "file": name,
        "path": str(path.resolve()) if container is None else None,
        "container": container,
        "sha256": sha256,
        "bytes": path.stat().st_size,
        "dataset": "payments",
        "format": facts.format,
        "encoding": facts.encoding,
        "delimiter": facts.delimiter,
        "line_endings": facts.line_endings,
        "sheets": [p.sheet for p in facts.parts if p.sheet is not None],
        "body": describe_bodies(body_map),
        "body_given": body_given,
        "body_map": body_map,
        "columns": columns,
        "override": facts.override.describe() if facts.override else None,
        "parts": [asdict(p) for p in facts.parts],
        "summary": summary_file,
        **summary,
        "warnings": warnings,
        "error": None,
        "ingested_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "totalplace_version": __version__,
    }


def _read_national(ctx: SpendContext, name: str, kind: FileKind, source_id: str, sheets: list[SheetRows], dataset: str,
                   body: str | None) -> NationalFacts:
    ctx.progress(f"{name}: reading ({dataset})")
    if dataset == OUTTURN:
        facts = read_outturn(sheets, name, source_id, kind.value)
        on = year_start(facts.years[0] if facts.years else None)
        facts.bodies = resolve_outturn_bodies(ctx.register, facts.bodies, on, facts.warnings)
    else:
        facts = read_cra(sheets, name, source_id, kind.value)
    if body:
        facts.warnings.append(f"--body '{body}' not used: the file is a national return that names its own bodies")
    if facts.declared_total_pence is not None and facts.declared_total_pence != facts.declared_covers_pence:
        difference = facts.declared_total_pence - (facts.declared_covers_pence or 0)
        facts.warnings.append(f"the file's declared total ({facts.declared_total_what}) differs by {format_pounds(difference)}")
    return facts


def _national_manifest(path: Path, name: str, sha256: str, source_id: str, container: str | None, staged: Path,
                       facts: NationalFacts) -> dict[str, Any]:
    """A national source's (or an estate file's) manifest: the same identity and accounting keys as a payment
    file's, no parts, and the name of its one table (`<dataset>.parquet`)."""
    table = facts.write(staged)
    return {
        "source_id": source_id, "file": name, "path": str(path.resolve()) if container is None else None,
        "container": container, "sha256": sha256, "bytes": path.stat().st_size,
        "dataset": facts.dataset, "table": table, "format": facts.format, "encoding": None, "delimiter": None,
        "line_endings": None, "body": facts.description, "body_given": None, "override": None, "parts": [],
        **facts.accounting(), "bodies": facts.bodies, "warnings": facts.warnings, "error": None,
        "ingested_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "totalplace_version": __version__,
    }


def load_reference(workspace: Workspace, folder: str | Path) -> dict[str, Any]:
    """Read the register of bodies from published reference files in `folder`, then match every ingested
    file's bodies against it again (a file ingested before the register was loaded gets its bodies now)."""
    folder = Path(folder)
    rule_set(workspace)
    register, counts = load_register_files(folder)
    places = load_places(folder, counts)
    store = workspace.store
    changed = 0
    with store.writing():
        register.save(store.reference_dir)
        places.save(store.reference_dir)
        for manifest in store.manifests():
            if manifest.get("dataset", "payments") != "payments":  # national sources and assets: their own bodies
                if (manifest["dataset"] == OUTTURN and rematch_outturn(register, manifest)) or (
                        manifest["dataset"] == ASSETS and rematch_assets(register, manifest)):
                    write_json_atomic(store.sources_dir / f"{manifest['source_id']}.json", manifest, store.tmp_dir)
                    changed += 1
                continue
            pairs = [(e["published_code"], e["published_name"]) for e in manifest.get("body_map", [])]
            on = dt.date.fromisoformat(manifest["date_min"]) if manifest.get("date_min") else None
            warnings: list[str] = []
            body_map = resolve_bodies(register, manifest["file"], pairs, manifest.get("body_given"), on, warnings)
            if body_map != manifest.get("body_map"):
                manifest["body_map"] = body_map
                manifest["body"] = describe_bodies(body_map)
                manifest["warnings"] = [w for w in manifest.get("warnings", []) if "register" not in w] + warnings
                write_json_atomic(store.sources_dir / f"{manifest['source_id']}.json", manifest, store.tmp_dir)
                changed += 1
        refresh_matches(workspace, store)
        refresh_classification(workspace, store)
    place_kinds: dict[str, int] = {}
    for place in places.places.values():
        place_kinds[place.kind] = place_kinds.get(place.kind, 0) + 1
    return {"folder": str(folder.resolve()), "files": counts, "bodies": len(register), "by_kind": register.by_kind(),
            "places": len(places), "places_by_kind": dict(sorted(place_kinds.items())),
            "ingested_files_rematched": changed}


def forget(workspace: Workspace, which: list[str]) -> list[dict[str, Any]]:
    """Take files out of the ledger, named by source id (or its start) or by file name as `sources` shows it.

    Each name must pick out exactly one file; nothing is removed unless every name does. Returns the manifests
    of the files removed. A forgotten file can be ingested again (with another --body, say).
    """
    store = workspace.store
    with store.writing():
        manifests = store.manifests()
        chosen: dict[str, dict[str, Any]] = {}
        for key in which:
            found = [m for m in manifests if m["source_id"].startswith(key.lower()) or m["file"] == key]
            if not found:
                raise IngestError(f"no ingested file is called or has the source id '{key}' (see `totalplace sources`).")
            if len(found) > 1:
                listed = ", ".join(f"{m['file']} ({m['source_id']})" for m in found)
                raise IngestError(f"'{key}' could mean {len(found)} files: {listed}. Name one by its source id.")
            chosen[found[0]["source_id"]] = found[0]
        for source_id in chosen:
            store.remove(source_id)
        refresh_matches(workspace, store)
        refresh_classification(workspace, store, full=False)
    return list(chosen.values())
