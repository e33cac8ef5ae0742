"""Running package jobs: in this process, or across a pool of workers.

Small runs (a pre-commit hook passing three files) stay in this process so
they start instantly. Larger ones are cut into batches of whole packages,
balanced by file count, and handed to forked workers that inherit the loaded
plugins. A worker that dies (killed, out of memory, a crash in native code)
costs nothing but a retry: the packages it left unfinished run again, each in
a process of its own, and a package that kills that process too is reported
as not analysed while every other result is kept. Workers ignore SIGINT, so Ctrl-C
reaches only this process, which stops the pool at once.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import signal
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from goabilint.cache import Cache
from goabilint.engine import (
    Notification,
    PackageJob,
    PackageResult,
    analyse_job,
    display_path,
)
from goabilint.plugins import Registry

__all__ = ["PARALLEL_MIN_FILES", "default_jobs", "execute"]

log = logging.getLogger(__name__)

# Below this many files a pool costs more than it saves.
PARALLEL_MIN_FILES = 200
BATCHES_PER_WORKER = 8

# What forked workers inherit: set just before the pool starts.
_worker_state: tuple[Registry, Cache | None] | None = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def execute(
    jobs: Sequence[PackageJob], registry: Registry, cache: Cache | None, workers: int
) -> list[PackageResult]:
    """Analyse every job; results come back in job order."""
    files = sum(len(j.files) for j in jobs)
    if workers <= 1 or len(jobs) <= 1 or files < PARALLEL_MIN_FILES or not _can_fork():
        return [analyse_job(j, registry, cache) for j in jobs]

    global _worker_state
    _worker_state = (registry, cache)
    try:
        results: dict[int, PackageResult] = {}
        batches = _batches(list(range(len(jobs))), jobs, workers)
        unfinished = _run_pool(batches, jobs, workers, results)
        if unfinished:
            # A broken pool fails every pending task, so the culprit is
            # unknown: give each unfinished package a process of its own.
            retry = [i for batch in unfinished for i in batch]
            log.warning(
                "a worker process died; retrying %d packages one by one", len(retry)
            )
            _run_isolated(retry, jobs, workers, results)
        return [results[i] for i in range(len(jobs))]
    finally:
        _worker_state = None


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _batches(
    indices: list[int], jobs: Sequence[PackageJob], workers: int
) -> list[list[int]]:
    """Split job indices into batches for ``workers``, largest packages
    first, the batches shrinking towards the end.

    A package is analysed whole by one worker, and a few packages of a big
    tree (a runtime, generated code) cost more than hundreds of small ones:
    handing them out first, and the small ones last, keeps every worker
    busy to the end (longest processing time first). Size is the bytes of
    the package's files, a rough guess at the time a package takes; so no
    batch is larger than a share of what is left (guided scheduling), and
    the last ones are small enough that no worker waits long for another.
    """
    weight = {i: _bytes(jobs[i]) for i in indices}
    order = sorted(indices, key=lambda i: -weight[i])
    remaining = sum(weight.values())
    largest = max(1, remaining // max(1, workers * BATCHES_PER_WORKER))
    smallest = max(1, largest // BATCHES_PER_WORKER)
    batches: list[list[int]] = [[]]
    size = 0
    target = largest
    for i in order:
        if size >= target and batches[-1]:
            batches.append([])
            size = 0
            target = max(smallest, min(largest, remaining // (2 * workers)))
        batches[-1].append(i)
        size += weight[i]
        remaining -= weight[i]
    return batches


def _bytes(job: PackageJob) -> int:
    total = 0
    for path in job.files:
        try:
            total += os.stat(path).st_size
        except OSError:
            total += 1  # reported when the worker reads it
    return max(1, total)


def _run_pool(
    batches: list[list[int]],
    jobs: Sequence[PackageJob],
    workers: int,
    results: dict[int, PackageResult],
) -> list[list[int]]:
    """Run batches in a fresh pool; return the batches a dead worker left undone."""
    ctx = multiprocessing.get_context("fork")
    pool = cf.ProcessPoolExecutor(
        max_workers=min(workers, len(batches)),
        mp_context=ctx,
        initializer=_ignore_sigint,
    )
    unfinished: list[list[int]] = []
    try:
        futures = {pool.submit(_work, [jobs[i] for i in b]): b for b in batches}
        for future in cf.as_completed(futures):
            batch = futures[future]
            try:
                for i, res in zip(batch, future.result(), strict=True):
                    results[i] = res
            except BrokenProcessPool:
                unfinished.append(batch)
    except BaseException:
        _terminate(pool)
        raise
    pool.shutdown(wait=True)
    return unfinished


def _run_isolated(
    indices: list[int],
    jobs: Sequence[PackageJob],
    workers: int,
    results: dict[int, PackageResult],
) -> None:
    """Run each job in a forked process of its own, ``workers`` at a time;
    a job whose process dies is reported as not analysed."""
    ctx = multiprocessing.get_context("fork")
    pending = list(indices)
    running: list[tuple[int, multiprocessing.process.BaseProcess, Any]] = []
    try:
        while pending or running:
            while pending and len(running) < workers:
                i = pending.pop(0)
                receiver, sender = ctx.Pipe(duplex=False)
                proc = ctx.Process(
                    target=_work_one, args=(jobs[i], sender), daemon=True
                )
                proc.start()
                sender.close()
                running.append((i, proc, receiver))
            i, proc, receiver = running.pop(0)
            try:
                results[i] = receiver.recv()
            except EOFError:  # the process died before answering
                results[i] = _lost(jobs[i])
            proc.join()
            receiver.close()
    except BaseException:
        for _, proc, _ in running:
            proc.kill()
        raise


def _work_one(job: PackageJob, sender: Any) -> None:
    _ignore_sigint()
    sender.send(_work([job])[0])
    sender.close()


def _terminate(pool: cf.ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel queued work and kill the workers."""
    # Taken first: shutdown() forgets the processes (sets _processes to None).
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        proc.kill()


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(batch: list[PackageJob]) -> list[PackageResult]:
    assert _worker_state is not None, "worker started without inherited state"
    registry, cache = _worker_state
    return [analyse_job(job, registry, cache) for job in batch]


def _lost(job: PackageJob) -> PackageResult:
    where = display_path(job.directory, job.cwd)
    msg = "the worker process analysing this package died; it was not checked"
    return PackageResult(notifications=[Notification("error", msg, where)])
