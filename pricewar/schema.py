"""Validate data/*.csv against data/datapackage.json and report problems as `file:row:column: message`.

Frictionless does the type, constraint, foreign-key and duplicate checks. Four things it does not do are added
here: unknown columns are rejected (a typo in a header must not be ignored), dates must be written YYYY-MM-DD
(strptime would accept 2024-5-1), numbers must be finite and in ASCII digits (it reads "nan", "inf", 1e999 and
full-width digits as numbers), and a cut must lower the price (a raise must raise it).
Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import frictionless as fl

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Problem:
    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


class IsoDates(fl.Check):
    """Date cells must be written exactly YYYY-MM-DD."""
    type = "iso-date"
    Errors = [fl.errors.CellError]

    def validate_row(self, row):
        for field in row.fields:
            if field.type != "date":
                continue
            raw = _raw_cell(row, field.name)
            if row.get(field.name) is not None and raw is not None and not ISO_DATE.fullmatch(str(raw).strip()):
                yield fl.errors.CellError.from_row(row, note=f"date-format:{raw}", field_name=field.name)


class FiniteNumbers(fl.Check):
    """Number cells must be ordinary numbers: "nan", "inf" or 1e999 would reach the charts as gaps or infinities."""
    type = "finite-number"
    Errors = [fl.errors.CellError]

    def validate_row(self, row):
        for field in row.fields:
            value = row.get(field.name)
            raw = str(_raw_cell(row, field.name) or "")
            # Python reads full-width digits (０.００５) as a number; pandas and a spreadsheet do not.
            if field.type in ("number", "integer") and value is not None and not (_finite(value) and raw.isascii()):
                yield fl.errors.CellError.from_row(row, note=f"not-finite:{raw}", field_name=field.name)


def _finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (OverflowError, ValueError):
        return False


class PriceDirection(fl.Check):
    """A cut must not end above where it started, and a raise must not end below it."""
    type = "price-direction"
    Errors = [fl.errors.CellError]

    def validate_row(self, row):
        if "event" not in row.field_names:
            return
        before, after, event = row.get("price_before"), row.get("price_after"), row.get("event")
        if before is None or after is None or not (_finite(before) and _finite(after)):
            return  # a missing or non-finite price is reported by its own check
        if (event == "cut" and after > before) or (event == "raise" and after < before):
            yield fl.errors.CellError.from_row(row, note=f"{event}-direction", field_name="price_after")


def _raw_cell(row, name):
    try:
        return row.cells[row.field_names.index(name)]
    except (ValueError, IndexError):
        return None


def _friendly(error, field_by_name: dict, vendor_ids: list[str], foreign_keys: dict | None = None) -> tuple[str, str]:
    """(column, plain message) for one Frictionless error."""
    column = getattr(error, "field_name", None) or "*"
    cell = getattr(error, "cell", None)
    field = field_by_name.get(column, {})
    constraints = field.get("constraints", {})
    note = getattr(error, "note", "") or ""
    if error.type == "constraint-error":
        kind = re.search(r'constraint "(\w+)"', note)
        kind = kind.group(1) if kind else ""
        if kind == "required":
            return column, "is empty (a value is required)"
        if kind == "enum":
            return column, f'"{cell}" is not allowed (expected one of: {", ".join(constraints["enum"])})'
        if kind in ("minimum", "exclusiveMinimum"):
            sign = ">=" if kind == "minimum" else ">"
            return column, f'"{cell}" is too small (expected a number {sign} {constraints[kind]})'
        if kind == "maximum":
            return column, f'"{cell}" is too large (expected a number <= {constraints[kind]})'
        if kind == "unique":
            return column, f'"{cell}" appears more than once (expected unique values)'
        if kind == "pattern":
            expected = "an http:// or https:// URL" if column == "source_url" else f"text matching {constraints['pattern']}"
            return column, f'"{cell}" is not valid (expected {expected})'
        return column, f'"{cell}" breaks the {kind} rule'
    if error.type == "type-error":
        expected = {"date": "a date written YYYY-MM-DD", "number": "a plain number such as 0.0008 (no units or commas)",
                    "integer": "a whole number"}.get(field.get("type"), field.get("type"))
        return column, f'"{cell}" is not valid (expected {expected})'
    if error.type == "cell-error" and note.startswith("date-format:"):
        return column, f'"{note.split(":", 1)[1]}" is not valid (expected a date written YYYY-MM-DD)'
    if error.type == "cell-error" and note.startswith("not-finite:"):
        return column, f'"{note.split(":", 1)[1]}" is not valid (expected an ordinary finite number in ASCII digits, such as 0.0008)'
    if error.type == "cell-error" and note.endswith("-direction"):
        event = note.split("-")[0]
        word = "higher" if event == "cut" else "lower"
        return column, f'a {event} cannot end {word} than price_before (expected price_after {"<=" if event == "cut" else ">="} price_before)'
    if error.type == "foreign-key":
        names = list(getattr(error, "field_names", None) or ["*"])
        cells = [str(v) for v in getattr(error, "field_cells", []) or []]
        target = (foreign_keys or {}).get(tuple(names), "")
        if target == "vendors":
            return names[0], (f'"{", ".join(cells)}" is not a vendor id in data/vendors.csv (expected one of: '
                              f'{", ".join(vendor_ids)})')
        # A composite key names its last column (the model, after the vendor): that is the cell to fix.
        shown = dict(zip(names, cells))
        value = cells[-1] if cells else ""
        others = ", ".join(f"{k} {v}" for k, v in list(shown.items())[:-1])
        return names[-1], (f'"{value}"' + (f" ({others})" if others else "") + f" is not in data/{target}.csv "
                           f"(add it there first)")
    if error.type in ("primary-key", "unique-error"):
        match = re.search(r"row at position (\d+)", error.message)
        first = f" (first in row {match.group(1)})" if match else ""
        cells = getattr(error, "cells", None) or []
        value = cell if cell is not None else (cells[0] if cells else "")
        return ("vendor" if error.type == "primary-key" and "vendor" in field_by_name else column,
                f'"{value}" appears more than once{first} (expected unique values)')
    if error.type == "duplicate-row":
        match = re.search(r'position "?(\d+)', note)
        return "*", f"exact duplicate of row {match.group(1) if match else 'above'}"
    if error.type in ("extra-cell", "missing-cell"):
        return column, ("has more cells than the header" if error.type == "extra-cell"
                        else "is missing (the row has fewer cells than the header)")
    if error.type == "blank-row":
        return "*", "row is blank (delete it)"
    return column, error.message


def _check_header(rel: str, text: str, fields: list[dict]) -> list[Problem]:
    first = next(csv.reader(io.StringIO(text)), [])
    header = [h.strip() for h in first]
    names = [f["name"] for f in fields]
    problems = []
    if len(header) == 1 and header[0].count(";") >= 2:
        return [Problem(rel, 1, "*", "columns are separated by ';' (save the file as comma-separated CSV UTF-8)")]
    for name in names:
        if name not in header:
            problems.append(Problem(rel, 1, name, f"required column is missing (expected columns: {', '.join(names)})"))
    seen = set()
    for label in header:
        if label in seen:
            problems.append(Problem(rel, 1, label or "(blank)", "column appears twice"))
        elif label not in names:
            problems.append(Problem(rel, 1, label or "(blank)", f"unknown column (expected columns: {', '.join(names)})"))
        seen.add(label)
    return problems


# Characters that would hide or disguise text: controls, zero-width and bidirectional formatting marks, private
# use, unassigned code points, line and paragraph separators. A name with one of them looks like another name.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}


def _text_problems(rel: str, text: str) -> list[Problem]:
    """Hidden characters and characters the report's fonts cannot draw, cell by cell."""
    from .fonts import drawable

    problems = []
    can_draw = None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    for row_number, row in enumerate(reader, start=2):
        for i, cell in enumerate(row):
            if cell.isascii() and cell.isprintable():
                continue
            column = header[i] if i < len(header) else f"column {i + 1}"
            for ch in dict.fromkeys(cell):
                name = unicodedata.name(ch, "unnamed")
                if unicodedata.category(ch) in HIDDEN_CATEGORIES:
                    problems.append(Problem(rel, row_number, column, f"contains the invisible or control character "
                                            f"U+{ord(ch):04X} ({name}); delete it"))
                    continue
                if ord(ch) < 128:
                    continue
                if can_draw is None:
                    can_draw = drawable()
                if ord(ch) not in can_draw:
                    problems.append(Problem(rel, row_number, column, f"contains U+{ord(ch):04X} ({name}), which the "
                                            "report's fonts cannot draw; use another character"))
    return problems


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [{(k or "").strip(): (v or "").strip() for k, v in r.items()} for r in csv.DictReader(f)]


def _future_dates(data_dir: Path, resource: dict) -> list[tuple[int, str, str]]:
    """(row, column, date) of each date after today, in fields not marked `x-may-be-future`. Allowed, as a price
    may take effect on a later day, but worth a look: the report runs to its data's last date, so a mistyped year
    would stretch it."""
    today = dt.date.today().isoformat()
    fields = [f["name"] for f in resource["schema"]["fields"] if f["type"] == "date" and not f.get("x-may-be-future")]
    if not fields or not (data_dir / resource["path"]).exists():
        return []
    return [(n, name, r[name]) for n, r in enumerate(_rows(data_dir / resource["path"]), start=2)
            for name in fields if ISO_DATE.fullmatch(r.get(name, "")) and r[name] > today]


def _spelling_key(name: str) -> str:
    """What a reader sees of a model name: two names with one key would look like one model in the charts."""
    return re.sub(r"[\s_\-\u2010-\u2015]+", "", unicodedata.normalize("NFKC", name)).casefold()


def _catalogue_problems(data_dir: Path, label: str) -> list[Problem]:
    """Rules across rows of the model catalogue: one spelling per model, a retirement after the launch and with its
    own source, and a successor that is itself in the catalogue."""
    path = data_dir / "models.csv"
    if not path.exists():
        return []
    rows = _rows(path)
    known = {(r.get("vendor"), r.get("model")) for r in rows}
    rel, problems = f"{label}/models.csv", []
    spelled: dict[tuple, tuple[int, str]] = {}
    for n, r in enumerate(rows, start=2):
        model = r.get("model", "")
        first = spelled.setdefault((r.get("vendor"), _spelling_key(model)), (n, model))
        if first[0] != n and first[1] == model:  # equal once the padding that loading strips is gone
            problems.append(Problem(rel, n, "model", f'"{model}" appears more than once (first in row {first[0]}; '
                                    "expected unique values)"))
        elif first[0] != n:
            problems.append(Problem(rel, n, "model", f'"{model}" looks like "{first[1]}" (row {first[0]}), differing '
                                    "only in case, width, spaces or hyphens; one model needs one spelling"))
        launched, retired = r.get("launched", ""), r.get("retired", "")
        if launched and retired and ISO_DATE.fullmatch(launched) and ISO_DATE.fullmatch(retired) and retired < launched:
            problems.append(Problem(rel, n, "retired", f'"{retired}" is before the launch on {launched} (expected a '
                                    "retirement on or after the launch)"))
        if retired and not r.get("retired_source_url"):
            problems.append(Problem(rel, n, "retired_source_url", "is empty (a retirement needs its own source)"))
        successor = r.get("superseded_by", "")
        if successor and (r.get("vendor"), successor) not in known:
            problems.append(Problem(rel, n, "superseded_by", f'"{successor}" is not a model of {r.get("vendor")} in '
                                    "this table (add it first)"))
    return problems


def notices(data_dir: Path, label: str | None = None) -> list[str]:
    """Things that are allowed but worth a look, one line each: prices dated before their model's launch, dates
    after today, announcements that no price row refers to."""
    data_dir = Path(data_dir)
    label = label if label is not None else data_dir.name
    if not (data_dir / "announcements.csv").exists() or not (data_dir / "price_changes.csv").exists():
        return []
    prices = _rows(data_dir / "price_changes.csv")
    used = {r.get("announcement_id") for r in prices}
    out = []
    if (data_dir / "models.csv").exists():
        launched = {(r.get("vendor"), r.get("model")): r.get("launched", "") for r in _rows(data_dir / "models.csv")}
        early = [str(n) for n, r in enumerate(prices, start=2)
                 if launched.get((r.get("vendor"), r.get("model"))) and r.get("date", "") < launched[(r.get("vendor"), r.get("model"))]]
        if early:
            out.append(f"Note: {len(early)} price row(s) in {label}/price_changes.csv are dated before their model's "
                       f"launch in models.csv (a preview price, or sources that disagree); the report applies a price "
                       f"only from the launch: rows {', '.join(early)}")
    with open(data_dir / "datapackage.json", encoding="utf-8") as f:
        resources = json.load(f)["resources"]
    for resource in resources:
        later = _future_dates(data_dir, resource)
        if later:
            out.append(f"Note: {len(later)} date(s) in {label}/{resource['path']} are after today "
                       f"({dt.date.today().isoformat()}); the report runs to its data's last date, so check the year "
                       f"unless the change is scheduled: " + ", ".join(f"row {n} {c} {d}" for n, c, d in later))
    lonely = [f"{n} ({r.get('announcement_id')})" for n, r in enumerate(_rows(data_dir / "announcements.csv"), start=2)
              if r.get("announcement_id") not in used]
    if lonely:
        out.append(f"Note: {len(lonely)} announcement(s) in {label}/announcements.csv have no price rows (fine where "
                   f"the announcement gave no per-token price): rows {', '.join(lonely)}")
    return out


def validate(data_dir: Path, label: str | None = None, only: set[str] | None = None) -> list[Problem]:
    """Every problem in every table of the package in data_dir (or in the tables named in `only`, by file name;
    the tables they refer to are read for the foreign-key checks). An empty list means the data is valid."""
    data_dir = Path(data_dir)
    label = label if label is not None else data_dir.name
    with open(data_dir / "datapackage.json", encoding="utf-8") as f:
        package = json.load(f)
    problems: list[Problem] = []
    readable = []
    empty_lines: dict[str, set[int]] = {}  # truly empty lines (editors add them at the end): skipped, not errors
    referenced = {k["reference"]["resource"] for r in package["resources"]
                  for k in r["schema"].get("foreignKeys", [])}
    # A table the package does not describe cannot be checked, yet the data download would publish it.
    described = {r["path"] for r in package["resources"]}
    for path in sorted(data_dir.glob("*.csv")):
        if path.name not in described and (only is None or path.name in only):
            problems.append(Problem(f"{label}/{path.name}", 1, "*", "is not described in datapackage.json (each "
                                    "table needs a resource there, with a schema for every column): describe it, "
                                    "or move it out of the data folder"))
    for resource in package["resources"]:
        if only is not None and resource["path"] not in only and resource["name"] not in referenced:
            continue
        rel = f"{label}/{resource['path']}"
        path = data_dir / resource["path"]
        if not path.exists():
            problems.append(Problem(rel, 1, "*", "file is missing"))
            continue
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            problems.append(Problem(rel, line, "*", "is not UTF-8 text (save it as 'CSV UTF-8')"))
            continue
        if not text.strip():
            problems.append(Problem(rel, 1, "*", "file is empty (expected a header row and at least one data row)"))
            continue
        problems += _text_problems(rel, text)
        empty_lines[resource["name"]] = {i + 1 for i, line in enumerate(text.splitlines()) if not line.strip()}
        header_problems = _check_header(rel, text, resource["schema"]["fields"])
        problems += header_problems
        if len(text.strip().splitlines()) < 2:
            problems.append(Problem(rel, 2, "*", "file has a header but no data rows"))
            continue
        if not header_problems:
            readable.append(resource)
    vendor_ids = []
    if any(r["name"] == "vendors" for r in readable):
        with open(data_dir / "vendors.csv", encoding="utf-8-sig", newline="") as f:
            vendor_ids = [r.get("vendor", "") for r in csv.DictReader(f)]
    names = {r["name"] for r in readable}
    detector = fl.Detector(schema_sync=True)
    resources = []
    for r in readable:
        descriptor = json.loads(json.dumps(r))
        descriptor["encoding"] = "utf-8-sig"
        # A foreign key into a table that is itself broken would only repeat that table's problems.
        fks = descriptor["schema"].get("foreignKeys", [])
        descriptor["schema"]["foreignKeys"] = [k for k in fks if k["reference"]["resource"] in names]
        resources.append(fl.Resource(descriptor, basepath=str(data_dir), detector=detector))
    if resources:
        report = fl.Package(resources=resources).validate(
            checklist=fl.Checklist(checks=[fl.checks.duplicate_row(), IsoDates(), FiniteNumbers(), PriceDirection()]))
        fields_of = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in readable}
        fks_of = {r["name"]: {tuple([k["fields"]] if isinstance(k["fields"], str) else k["fields"]):
                              k["reference"]["resource"] for k in r["schema"].get("foreignKeys", [])}
                  for r in readable}
        path_of = {r["name"]: f"{label}/{r['path']}" for r in readable}
        for task in report.tasks:
            if only is not None and path_of.get(task.name, "").split("/")[-1] not in only:
                continue  # a referenced table that did not change: it was valid before
            skip = empty_lines.get(task.name, set())
            short_rows = {(e.row_number, e.field_name) for e in task.errors if e.type == "missing-cell"}
            blank_rows = {e.row_number for e in task.errors if e.type == "blank-row"}
            not_finite = {(e.row_number, e.field_name) for e in task.errors
                          if e.type == "cell-error" and (e.note or "").startswith("not-finite:")}
            for error in task.errors:
                row = getattr(error, "row_number", None) or 0
                if row in skip:
                    continue
                if error.type == "primary-key" and task.name == "models":
                    continue  # the catalogue check names the model, padded or not (see _catalogue_problems)
                if error.type == "duplicate-row" and row in blank_rows:
                    continue  # a second blank row is not news
                if error.type == "constraint-error" and (row, getattr(error, "field_name", None)) in short_rows | not_finite:
                    continue  # "missing cell" or "not a finite number" already says it
                column, message = _friendly(error, fields_of.get(task.name, {}), vendor_ids, fks_of.get(task.name))
                problems.append(Problem(path_of.get(task.name, task.name), row, column, message))
    if any(r["name"] == "models" for r in readable):
        problems += _catalogue_problems(data_dir, label)
    return sorted(set(problems), key=lambda p: (p.file, p.row, p.column, p.message))
