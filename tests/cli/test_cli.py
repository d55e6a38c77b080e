"""The commands on the example corpus, as a user runs them, and the README documenting each of them."""
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, example_corpus):
    out = tmp_path_factory.mktemp("demo")
    db = out / "np.db"
    res = invoke("run", example_corpus, "--db", db, "--out", out)
    assert res.exit_code == 0, res.output
    arts = [json.loads(line) for line in (out / "articles.jsonl").open()]
    stories = [json.loads(line) for line in (out / "stories.jsonl").open()]
    return {"out": out, "db": db, "articles": arts, "stories": stories, "output": res.output}


def test_run_puts_both_seed_articles_in_one_story(demo):
    arts = {a["id"]: a for a in demo["articles"]}
    assert set(arts) == {"000_77caef222199382c", "003_ba41809d1e17fb01"}
    assert arts["000_77caef222199382c"]["story"] == arts["003_ba41809d1e17fb01"]["story"] is not None
    assert {a["outlet"] for a in arts.values()} == {"China Daily", "MENAFN"}
    assert all(a["errors"] == [] for a in arts.values())


def test_run_cleans_the_scraped_copy(demo):
    text = next(a["text"] for a in demo["articles"] if a["id"].startswith("003"))
    assert text.count("very aggressive ask") == 1
    for furniture in ("Legal Disclaimer", "Most popular stories", "No comment"):
        assert furniture not in text


def test_run_writes_stories_and_report(demo):
    (story,) = demo["stories"]
    assert set(story["outlets"]) == {"China Daily", "MENAFN"}
    assert len(story["articles"]) == 2
    index = (demo["out"] / "index.html").read_text()
    assert "China Daily" in index and "MENAFN" in index
    page = demo["out"] / f"{story['story']}.html"
    assert page.exists() and "MENAFN" in page.read_text()
    assert "MENAFN" in demo["output"] and "China Daily" in demo["output"], "the terminal summary names both"


def test_every_span_matches_the_text(demo):
    for a in demo["articles"]:
        t = a["text"]
        for q in a["quotes"]:
            assert t[q["start"]:q["end"]] == q["text"]
            for part in ("cue", "speaker"):
                if q[part]:
                    assert t[q[part]["start"]:q[part]["end"]] == q[part]["text"]
        for c in a["claims"]:
            assert t[c["start"]:c["end"]] == c["text"]
        for e in a["entities"]:
            for s, e_ in e["mentions"]:
                assert 0 <= s < e_ <= len(t)


def test_rerun_adds_nothing(demo, example_corpus):
    res = invoke("run", example_corpus, "--db", demo["db"], "--out", demo["out"] / "again", "--json")
    assert res.exit_code == 0
    summary = json.loads(res.output.strip().splitlines()[-1])
    assert summary["new"] == 0 and summary["articles"] == 2
    stories = json.loads(invoke("stories", "--db", demo["db"], "--json").output)
    assert len(stories) == 1
    again = [json.loads(line) for line in (demo["out"] / "again" / "articles.jsonl").open()]
    assert [a["story"] for a in again] == [a["story"] for a in demo["articles"]]


def test_stories_show_report_export_search_errors(demo, tmp_path):
    db = demo["db"]
    sid = demo["stories"][0]["story"]
    (listed,) = json.loads(invoke("stories", "--db", db, "--json").output)
    assert listed["story"] == sid and listed["articles"] == 2
    lines = invoke("stories", "--db", db, "--jsonl").output.splitlines()
    assert [json.loads(x) for x in lines] == [listed]
    assert "MENAFN" in invoke("show", sid, "--db", db).output
    for fmt, probe in (("md", "MENAFN"), ("html", "<html"), ("text", "China Daily")):
        res = invoke("report", sid, "--format", fmt, "--db", db)
        assert res.exit_code == 0 and probe in res.output
    assert json.loads(invoke("report", sid, "--format", "json", "--db", db).output)
    exported = tmp_path / "all.jsonl"
    assert invoke("export", "--jsonl", exported, "--db", db).exit_code == 0
    assert len(exported.read_text().splitlines()) == 2
    hits = json.loads(invoke("search", "Bessent", "--db", db, "--json").output)
    assert {h["id"] for h in hits} == {"000_77caef222199382c", "003_ba41809d1e17fb01"}
    streamed = [json.loads(line) for line in invoke("search", "Bessent", "--db", db, "--jsonl").output.splitlines()]
    assert streamed == hits
    assert json.loads(invoke("errors", "--db", db, "--json").output) == []
    assert invoke("errors", "--db", db, "--jsonl").output.strip() == ""
    assert runner.invoke(app, ["errors", "--db", str(db), "--json", "--jsonl"]).exit_code == 2
    assert invoke("version").output.strip()


def test_tables_and_summaries_fit_80_columns(demo):
    from newsprism import cli

    db, sid = demo["db"], demo["stories"][0]["story"]
    wide = cli.out.width
    cli.out.width = 200  # a wide terminal still gets at most 80 columns
    try:
        for args in (("stories",), ("search", "Bessent"), ("errors",), ("show", sid)):
            text = invoke(*args, "--db", db).output
            assert text.strip(), args
            assert max(len(line) for line in text.splitlines()) <= 80, args
        listed = invoke("stories", "--db", db).output
        assert "outlets" in listed and "China Daily" not in listed  # outlets summarised as a count
        search = invoke("search", "Bessent", "--db", db).output
        assert "…" in search  # long snippets are cut, not wrapped
    finally:
        cli.out.width = wide


def test_fit_lines_keeps_indent_and_words():
    from newsprism.cli import fit_lines

    text = "    " + " ".join(f"word{i}" for i in range(40)) + "\nshort\n"
    fitted = fit_lines(text, 30)
    assert all(len(line) <= 30 for line in fitted.splitlines())
    assert all(line.startswith("    ") for line in fitted.splitlines()[:-1])
    assert fitted.split() == text.split()


def test_unknown_story_and_format_are_clear_errors(demo):
    res = runner.invoke(app, ["show", "no-such-story", "--db", str(demo["db"])])
    assert res.exit_code == 1 and "no story" in res.output
    res = runner.invoke(app, ["report", "x", "--format", "pdf", "--db", str(demo["db"])])
    assert res.exit_code == 2 and "unknown format" in res.output


def _commands():
    import typer.main
    return sorted(typer.main.get_command(app).commands)


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    assert _commands(), "the app registers commands"
    for name in _commands():
        res = invoke(name, "--help")
        assert res.exit_code == 0 and "Usage" in res.output, name
        assert re.search(rf"`newsprism {name}\b", readme), f"README does not document `newsprism {name}`"
    head = readme.split("## ", 1)[0]
    assert "make demo" in head and "make test" in head


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_flat_tables(demo, tmp_path, fmt):
    import csv

    db = demo["db"]
    n_quotes = sum(len(a["quotes"]) for a in demo["articles"])
    for table, expected in (("articles", 2), ("quotes", n_quotes), ("stories", 1)):
        path = tmp_path / f"{table}.{fmt}"
        res = invoke("export", "--table", table, "--format", fmt, "--output", path, "--db", db)
        assert res.exit_code == 0, res.output
        if fmt == "jsonl":
            got = [json.loads(line) for line in path.read_text().splitlines()]
        elif fmt == "csv":
            got = list(csv.DictReader(path.open(newline="")))
        else:
            import pyarrow.parquet as pq
            got = pq.read_table(path).to_pylist()
        assert len(got) == expected, table
    facts = tmp_path / f"facts.{fmt}"
    assert invoke("export", "--table", "facts", "-f", fmt, "-o", facts, "--db", db).exit_code == 0
    if fmt == "jsonl":
        rows = [json.loads(line) for line in facts.read_text().splitlines()]
        texts = {a["id"]: a["text"] for a in demo["articles"]}
        assert rows and all(texts[r["article"]][r["start"]:r["end"]] == r["evidence"] for r in rows)
        assert {r["status"] for r in rows} >= {"agreed", "differs", "single-source"}


def test_export_needs_a_target(demo):
    assert runner.invoke(app, ["export", "--db", str(demo["db"])]).exit_code == 2
    assert runner.invoke(app, ["export", "--table", "nope", "--db", str(demo["db"])]).exit_code == 2
    assert runner.invoke(app, ["export", "--table", "quotes", "-f", "parquet", "--db", str(demo["db"])]).exit_code == 2
    out = invoke("export", "--table", "stories", "--db", demo["db"]).output
    assert any(line.startswith("story,title,articles,outlets") for line in out.splitlines())
