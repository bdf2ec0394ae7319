"""Data validation: each kind of bad input is caught with the right file, row and column."""
from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, run_build

from pricewar.schema import validate

HEADER = ("date,date_precision,vendor,model,direction,tier,variant,price_before,price_after,unit,event,announcement_id,"
          "source_url,source_note,source_quality")
GOOD = ("2024-05-21,day,alibaba,Qwen-Long,input,,,0.02,0.0005,CNY/1K tokens,cut,alibaba-2024-05-21,"
        "https://example.com/a,Cut to 0.0005.,A")


@pytest.fixture
def data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def write_prices(data, *rows, header=HEADER, newline="\n", bom=False):
    text = newline.join([header, *rows]) + newline
    (data / "price_changes.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def problems_for(data):
    return [str(p) for p in validate(data, label="data")]


def test_real_data_is_valid():
    assert validate(ROOT / "data") == []


def test_excel_export_with_bom_and_crlf_is_accepted(data):
    write_prices(data, GOOD, newline="\r\n", bom=True)
    assert problems_for(data) == []


@pytest.mark.parametrize("row, expected", [
    (GOOD.replace("2024-05-21", "2024-5-21"), "data/price_changes.csv:2:date: \"2024-5-21\""),
    (GOOD.replace("2024-05-21", "21/05/2024"), "data/price_changes.csv:2:date:"),
    (GOOD.replace("CNY/1K tokens", "yuan per 1K"), "data/price_changes.csv:2:unit: \"yuan per 1K\" is not allowed"),
    (GOOD.replace("alibaba", "alibabacloud"), "data/price_changes.csv:2:vendor: \"alibabacloud\" is not a vendor id"),
    (GOOD.replace("0.02,0.0005", "-0.02,0.0005"), "data/price_changes.csv:2:price_before: \"-0.02\" is too small"),
    (GOOD.replace("0.02,0.0005", "0.0005,0.02"), "data/price_changes.csv:2:price_after: a cut cannot end higher"),
    (GOOD.replace("https://example.com/a", "example.com/a"), "data/price_changes.csv:2:source_url: \"example.com/a\""),
    (GOOD.replace(",A", ",E"), "data/price_changes.csv:2:source_quality: \"E\" is not allowed"),
    (GOOD.replace("0.0005,CNY", ",CNY"), "data/price_changes.csv:2:price_after: is empty"),
    (GOOD.replace("0.0005", "0.0005 yuan"), "data/price_changes.csv:2:price_after: \"0.0005 yuan\" is not valid"),
])
def test_bad_cell_is_reported_with_file_row_column(data, row, expected):
    write_prices(data, GOOD.replace("Qwen-Long", "Qwen-Max"), row)
    problems = problems_for(data)
    assert any(p.startswith(expected.replace(":2:", ":3:")) for p in problems), problems


def test_exact_duplicate_row(data):
    write_prices(data, GOOD, GOOD)
    assert problems_for(data) == ["data/price_changes.csv:3:*: exact duplicate of row 2"]


def test_missing_required_column(data):
    write_prices(data, GOOD.rsplit(",", 1)[0], header=HEADER.rsplit(",", 1)[0])
    problems = problems_for(data)
    assert any(p.startswith("data/price_changes.csv:1:source_quality: required column is missing") for p in problems)


def test_extra_column(data):
    write_prices(data, GOOD + ",x", header=HEADER + ",comment")
    assert any(p.startswith("data/price_changes.csv:1:comment: unknown column") for p in problems_for(data))


def test_empty_file(data):
    (data / "usage.csv").write_bytes(b"")
    assert "data/usage.csv:1:*: file is empty (expected a header row and at least one data row)" in problems_for(data)


def test_not_utf8(data):
    (data / "price_changes.csv").write_bytes((HEADER + "\n" + GOOD.replace("Cut", "Cut \xe9")).encode("latin-1"))
    assert any(p.startswith("data/price_changes.csv:2:*: is not UTF-8") for p in problems_for(data))


def test_unknown_vendor_in_other_tables(data):
    path = data / "statements.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",", 3)
    lines[1] = ",".join([first[0], first[1], "nosuchvendor", first[3]])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert any(p.startswith("data/statements.csv:2:vendor: \"nosuchvendor\"") for p in problems_for(data))


def test_build_check_exits_2_and_leaves_output_alone(data, tmp_path):
    out = tmp_path / "out"
    (out / "site").mkdir(parents=True)
    (out / "site" / "index.html").write_text("previous report")
    write_prices(data, GOOD, GOOD.replace("CNY/1K tokens", "CNY/1K"))
    for args in (["--check"], []):
        result = run_build(*args, "--data", data, "--out", out)
        assert result.returncode == 2
        assert "price_changes.csv:3:unit:" in result.stderr
    assert (out / "site" / "index.html").read_text() == "previous report"


def test_trailing_empty_lines_are_accepted(data):
    write_prices(data, GOOD, "", "")
    assert problems_for(data) == []


def test_comma_only_row_is_reported_once(data):
    write_prices(data, GOOD, ",,,,,,,,,,,", ",,,,,,,,,,,")
    assert problems_for(data) == ["data/price_changes.csv:3:*: row is blank (delete it)",
                                  "data/price_changes.csv:4:*: row is blank (delete it)"]


def test_short_row_names_the_missing_cells(data):
    write_prices(data, GOOD, "2024-05-22,tencent,hunyuan-lite,input")
    problems = problems_for(data)
    assert "data/price_changes.csv:3:source_url: is missing (the row has fewer cells than the header)" in problems
    assert not any("is empty" in p for p in problems)


def test_semicolon_separated_file_gets_a_hint(data):
    write_prices(data, GOOD.replace(",", ";"), header=HEADER.replace(",", ";"))
    assert problems_for(data) == ["data/price_changes.csv:1:*: columns are separated by ';' "
                                  "(save the file as comma-separated CSV UTF-8)"]


def test_missing_file(data):
    (data / "fx.csv").unlink()
    assert problems_for(data) == ["data/fx.csv:1:*: file is missing"]


def test_duplicate_vendor_id(data):
    path = data / "vendors.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + text.splitlines()[1].replace("Alibaba Cloud", "Alibaba") + "\n", encoding="utf-8")
    assert any(p.startswith("data/vendors.csv:") and ":vendor: \"alibaba\" appears more than once (first in row 2)" in p
               for p in problems_for(data))


# --- the model catalogue, announcements and text hygiene --------------------------------------------------------

def append(data, name, line):
    path = data / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n" + line + "\n", encoding="utf-8")
    return len(text.rstrip("\n").splitlines()) + 1  # the new row's number, as a spreadsheet shows it


def test_price_row_for_a_model_missing_from_the_catalogue(data):
    row = append(data, "price_changes.csv", GOOD.replace("Qwen-Long", "Qwen-Imaginary"))
    assert problems_for(data) == [f'data/price_changes.csv:{row}:model: "Qwen-Imaginary" (vendor alibaba) is not in '
                                  "data/models.csv (add it there first)"]


def test_price_row_naming_an_unknown_announcement(data):
    row = append(data, "price_changes.csv", GOOD.replace("alibaba-2024-05-21", "alibaba-2031-01-01"))
    assert problems_for(data) == [f'data/price_changes.csv:{row}:announcement_id: "alibaba-2031-01-01" is not in '
                                  "data/announcements.csv (add it there first)"]


MODEL = "alibaba,Qwen-Test,Qwen,economy,{launched},day,{retired},day,{successor},https://example.com/m,{retired_url},Note.,A"


def test_retirement_before_launch(data):
    row = append(data, "models.csv", MODEL.format(launched="2025-05-01", retired="2025-01-01", successor="",
                                                  retired_url="https://example.com/r"))
    assert problems_for(data) == [f'data/models.csv:{row}:retired: "2025-01-01" is before the launch on 2025-05-01 '
                                  "(expected a retirement on or after the launch)"]


def test_retirement_needs_its_own_source_and_a_known_successor(data):
    row = append(data, "models.csv", MODEL.format(launched="2025-05-01", retired="2025-09-01",
                                                  successor="Qwen-Nowhere", retired_url=""))
    assert problems_for(data) == [
        f"data/models.csv:{row}:retired_source_url: is empty (a retirement needs its own source)",
        f'data/models.csv:{row}:superseded_by: "Qwen-Nowhere" is not a model of alibaba in this table (add it first)']


def test_announcement_without_price_rows_is_a_notice_not_an_error(data):
    from pricewar.schema import notices

    row = append(data, "announcements.csv", "alibaba-2026-11-30,2026-11-30,day,alibaba,Test announcement,cut,1,,"
                                            "https://example.com/n,Note.,A")
    assert problems_for(data) == []
    assert any(f"{row} (alibaba-2026-11-30)" in line for line in notices(data, label="data"))


@pytest.mark.parametrize("char, name", [("\u200b", "ZERO WIDTH SPACE"), ("\u202e", "RIGHT-TO-LEFT OVERRIDE"),
                                        ("\x07", "unnamed")])
def test_hidden_characters_are_rejected(data, char, name):
    row = append(data, "price_changes.csv", GOOD.replace("Cut to 0.0005.", f"Cut{char} to 0.0005."))
    problems = problems_for(data)
    assert f"data/price_changes.csv:{row}:source_note: contains the invisible or control character " \
           f"U+{ord(char):04X} ({name}); delete it" in problems


def test_character_no_font_can_draw_is_rejected(data):
    row = append(data, "price_changes.csv", GOOD.replace("Cut to 0.0005.", "Cut to 0.0005 \U00017000."))
    assert problems_for(data) == [f"data/price_changes.csv:{row}:source_note: contains U+17000 (unnamed), which "
                                  "the report's fonts cannot draw; use another character"]


def test_a_table_the_package_does_not_describe_is_a_problem(data):
    """The data download publishes every CSV of the folder: one that datapackage.json does not describe would go
    out unchecked. Files that are not CSV (notes, an editor's lock file) are not tables."""
    shutil.copy(data / "fx.csv", data / "fx (copy).csv")
    (data / "notes.txt").write_text("to do", encoding="utf-8")
    (data / ".~lock.fx.csv#").write_text("lock", encoding="utf-8")
    assert problems_for(data) == ["data/fx (copy).csv:1:*: is not described in datapackage.json (each table needs "
                                  "a resource there, with a schema for every column): describe it, or move it out "
                                  "of the data folder"]


@pytest.mark.parametrize("bad", ["nan", "-inf", "1e999"])
def test_non_finite_numbers_are_rejected_in_every_number_column(data, bad):
    """Frictionless reads "nan", "inf" and 1e999 as numbers; they would reach the charts as gaps or infinities.
    Every number column of every table, read from the package, gets the bad value in its first filled row."""
    import json

    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    expected = set()
    for resource in package["resources"]:
        for column in [f["name"] for f in resource["schema"]["fields"] if f["type"] == "number"]:
            row = set_cell(data / resource["path"], column, bad, lambda r, c=column: r[c].strip())
            expected.add(f"data/{resource['path']}:{row}:{column}: \"{bad}\" is not valid (expected an "
                         "ordinary finite number in ASCII digits, such as 0.0008)")
    assert len(expected) >= 10
    problems = set(problems_for(data))
    assert expected <= problems, sorted(expected - problems)
    assert not any("Traceback" in p for p in problems)


def test_a_date_after_today_is_a_notice_unless_the_field_expects_it(data):
    """A price may take effect on a later day, so a date after today is allowed; but the report runs to its data's
    last date, so a mistyped year is worth a look. A scheduled retirement (models.csv `retired`, marked
    x-may-be-future in the package) is expected and not noted."""
    import datetime as dt

    from pricewar.schema import notices

    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    today = dt.date.today().isoformat()
    price_row = append(data, "price_changes.csv", GOOD.replace("2024-05-21,day", f"{tomorrow},day"))
    set_cell(data / "usage.csv", "date", today, lambda row: True)  # today itself is not news
    set_cell(data / "models.csv", "retired", tomorrow, lambda row: row["retired"])
    assert problems_for(data) == []
    later = [line for line in notices(data, label="data") if "after today" in line]
    assert later == [f"Note: 1 date(s) in data/price_changes.csv are after today ({today}); the report runs to its "
                     "data's last date, so check the year unless the change is scheduled: "
                     f"row {price_row} date {tomorrow}"]


def set_cell(path, column, value, where):
    """Set `column` to `value` in the first row for which where(row) is true (rewritten with the csv module);
    returns that row's number as a spreadsheet shows it."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    index = next(i for i, r in enumerate(rows) if where(r))
    rows[index][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return index + 2


@pytest.mark.parametrize("spelling, message", [
    ("Yi-Large ", '"Yi-Large" appears more than once (first in row {first}; expected unique values)'),
    ("YI-LARGE", '"YI-LARGE" looks like "Yi-Large" (row {first}), differing only in case, width, spaces or hyphens; '
                 "one model needs one spelling"),
    ("Yi\u00a0Large", '"Yi\u00a0Large" looks like "Yi-Large" (row {first}), differing only in case, width, spaces or '
                      "hyphens; one model needs one spelling"),
    ("Ｙｉ-Large", '"Ｙｉ-Large" looks like "Yi-Large" (row {first}), differing only in case, width, spaces or '
                  "hyphens; one model needs one spelling"),
])
def test_a_model_spelled_like_another_is_rejected_once(data, spelling, message):
    """Loading strips padding, and a reader cannot tell case, width or a no-break space apart: each would be a
    second model that looks like the first in the charts. Reported once, on the model column."""
    first = set_cell(data / "models.csv", "model", "Yi-Large", lambda r: r["model"] == "Yi-Large")
    path = data / "models.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    copy = lines[first - 1].replace("Yi-Large", spelling, 1).replace(",Yi,", ",Yi copy,", 1)
    path.write_text("\n".join([*lines, copy]) + "\n", encoding="utf-8")
    assert problems_for(data) == [f"data/models.csv:{len(lines) + 1}:model: " + message.format(first=first)]
