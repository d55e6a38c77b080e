"""The faces use the job's default chunk size (one number, declared in jobs.py)."""
import inspect

from newsprism import cli, jobs


def test_run_and_watch_default_to_the_jobs_chunk_size():
    for command in (cli.run, cli.watch):
        assert inspect.signature(command).parameters["chunk_size"].default == jobs.DEFAULT_CHUNK
    assert inspect.signature(jobs.run_job).parameters["chunk_size"].default == jobs.DEFAULT_CHUNK
