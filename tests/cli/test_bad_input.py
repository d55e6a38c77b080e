"""Bad input never stops a batch: each unreadable article gets a clear error, the rest goes on, nothing is lost."""
import json

from typer.testing import CliRunner

from newsprism.cli import app

runner = CliRunner()
GOOD = ("Negotiators from both countries met in Madrid on Sunday. \"We made progress,\" the minister said after "
        "the talks, which are expected to continue until Wednesday.")


def _run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_bad_files_get_errors_and_the_rest_goes_on(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD)
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" + bytes(range(256)))
    (src / "records.jsonl").write_text(json.dumps({"id": "r1", "text": GOOD + " A second outlet."}) + "\n{broken\n")
    db, out = tmp_path / "np.db", tmp_path / "out"
    res = _run("run", src, "--db", db, "--out", out, "--json")
    arts = {a["id"]: a for a in map(json.loads, (out / "articles.jsonl").open())}
    failed = {i for i, a in arts.items() if a["errors"]}
    assert failed == {"empty", "binary", "records-2"}
    assert res.exit_code == 3, "the exit status counts the failures"
    assert "empty" in arts["empty"]["errors"][0] and "empty.txt" in arts["empty"]["errors"][0]
    assert "binary" in arts["binary"]["errors"][0]
    assert "records.jsonl#2" in arts["records-2"]["errors"][0]
    assert arts["good"]["text"] and arts["r1"]["text"] and arts["good"]["story"]
    recorded = json.loads(_run("errors", "--db", db, "--json").output)
    assert {r["article_id"] for r in recorded} == failed

    # A second batch with another bad file keeps everything stored before.
    (src / "later.html").write_bytes(b"\x1f\x8b\x08garbage that is not html")
    res2 = _run("run", src / "later.html", "--db", db, "--out", tmp_path / "out2", "--json")
    assert res2.exit_code == 1
    exported = tmp_path / "all.jsonl"
    _run("export", "--jsonl", exported, "--db", db)
    ids = {json.loads(line)["id"] for line in exported.open()}
    assert {"good", "r1", "empty", "binary", "records-2", "later"} <= ids


def test_missing_path_is_an_error_not_a_crash(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    res = _run("run", good, tmp_path / "nope.txt", "--db", tmp_path / "np.db", "--out", tmp_path / "out", "--json")
    assert res.exit_code == 1
    summary = json.loads(res.output.strip().splitlines()[-1])
    assert summary["failed"] == 1 and "nope.txt" in summary["errors"][0]["errors"][0]


def test_unwritable_database_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = runner.invoke(app, ["run", str(blocker), "--db", str(blocker / "sub" / "np.db"), "--out",
                              str(tmp_path / "o")])
    assert res.exit_code == 2 and "cannot open database" in res.output


def test_the_same_file_named_twice_is_one_article(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    res = _run("run", good, good, tmp_path, "--db", tmp_path / "np.db", "--out", tmp_path / "out", "--json")
    assert res.exit_code == 0
    arts = [json.loads(line) for line in (tmp_path / "out" / "articles.jsonl").open()]
    assert [a["id"] for a in arts] == ["good"] and arts[0]["duplicate_of"] is None


def test_hostile_titles_are_not_terminal_markup(tmp_path, monkeypatch):
    import newsprism.cli

    rec = {"id": "m1", "title": "[/] [bold red]boom[/bold red] [link=file:///etc/passwd]x[/link]", "text": GOOD}
    src = tmp_path / "r.jsonl"
    src.write_text(json.dumps(rec) + "\n")
    db = tmp_path / "np.db"
    assert _run("run", src, "--db", db, "--out", tmp_path / "o", "--quiet").exit_code == 0
    listed = runner.invoke(app, ["stories", "--db", str(db)])
    # tables are cut at 80 columns; what shows must be the literal text, not rendered markup
    assert listed.exit_code == 0 and "[/] [bold red]boom[/bold red]" in listed.output
    found = runner.invoke(app, ["search", "Madrid", "--db", str(db)])
    assert found.exit_code == 0 and "[/] [bold red]boom" in found.output


def test_the_console_entry_exits_with_the_failures_and_all_its_output(tmp_path):
    """``newsprism`` as a program leaves without freeing what the run built (``cli.main``): its status still
    counts the failures, its JSON is whole and every output file is written."""
    import subprocess
    import sys
    from pathlib import Path

    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD)
    (src / "empty.txt").write_bytes(b"")
    code = "import sys; from newsprism.cli import main; sys.argv[0] = 'newsprism'; main()"
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"), "PATH": "/usr/bin:/bin"}
    res = subprocess.run([sys.executable, "-c", code, "run", str(src), "--db", str(tmp_path / "np.db"), "--out",
                          str(tmp_path / "out"), "--json"], capture_output=True, text=True, timeout=600, env=env)
    assert res.returncode == 1, res.stderr[-2000:]
    summary = json.loads(res.stdout)
    assert summary["failed"] == 1 and summary["articles"] == 2
    assert (tmp_path / "out" / "index.html").exists()
    assert len((tmp_path / "out" / "articles.jsonl").read_text().splitlines()) == 2
    listed = subprocess.run([sys.executable, "-c", code, "version"], capture_output=True, text=True, env=env)
    assert listed.returncode == 0 and listed.stdout.strip()
