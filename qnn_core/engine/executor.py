"""Run the chunks of a batch on an executor: in process, a ``concurrent.futures.Executor``, or Dask.

Every batched core of the package (the Estimator's expectation table, the Sampler's marginals,
the reverse gradients' sweeps, the shift rules' evaluations) splits its rows with the one
chunking policy :func:`qnn_core.engine.simulate.batch_slices`; with an executor the slices are
cut further so that every worker gets at least one (:func:`executor_slices`). Each chunk is one
call ``fn(*args)`` of a module-level function on plain data (a compiled
:class:`~qnn_core.engine.program.Program` pickles as arrays and expressions), and
:func:`map_chunks` gathers the results in order. Every row of a batch is computed
independently of the others, so any chunking gives bit-for-bit the numbers of one call; noise
(Estimator precision, Sampler shots, SPSA directions) is drawn in the calling process, after the
exact numbers come back (or before the points go out), so it is unchanged too.

Executors accepted (:func:`check_executor`):

- ``None``: in process (the default everywhere);
- any :class:`concurrent.futures.Executor` (``ProcessPoolExecutor``, ``ThreadPoolExecutor``);
- a ``dask.distributed.Client`` (anything with ``submit``, ``gather`` and ``scheduler_info``).

Each worker process compiles the Numba kernels once (its own cache), on its first task.
"""

from __future__ import annotations

import concurrent.futures

from qnn_core.engine.simulate import batch_slices
from qnn_core.exceptions import InputTypeError

__all__ = ["check_executor", "num_workers", "executor_slices", "map_chunks", "map_rows"]


def _is_dask_client(executor) -> bool:
    return all(hasattr(executor, a) for a in ("submit", "gather", "scheduler_info"))


def check_executor(executor, what: str = "executor"):
    """``executor`` unchanged if it is None, a concurrent.futures.Executor or a Dask Client."""
    if executor is None or isinstance(executor, concurrent.futures.Executor) or \
            _is_dask_client(executor):
        return executor
    raise InputTypeError(f"{what} is a {type(executor).__name__}; expected None, a "
                         "concurrent.futures.Executor or a dask.distributed.Client")


def num_workers(executor) -> int:
    """How many chunks run at once: 1 in process; the pool size; Dask's total worker threads."""
    if executor is None:
        return 1
    if _is_dask_client(executor):
        workers = executor.scheduler_info().get("workers", {})
        return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))
    return max(1, int(getattr(executor, "_max_workers", 1) or 1))


def executor_slices(batch: int, row_bytes: int, executor) -> list[slice]:
    """The chunks of ``range(batch)``: :func:`batch_slices`, each cut into equal parts until
    there are at least :func:`num_workers` chunks (never empty ones). In process (None) this is
    exactly :func:`batch_slices`."""
    slices = batch_slices(batch, row_bytes)
    workers = num_workers(executor)
    if workers <= len(slices) or batch <= len(slices):
        return slices
    parts = -(-workers // len(slices))  # ceil: parts per budget chunk
    out = []
    for s in slices:
        n = s.stop - s.start
        k = min(parts, n)
        edges = [s.start + (n * i) // k for i in range(k + 1)]
        out.extend(slice(a, b) for a, b in zip(edges[:-1], edges[1:]))
    return out


def map_chunks(executor, fn, args_chunks) -> list:
    """``[fn(*args) for args in args_chunks]``, run on ``executor``, results in order.

    ``fn`` must be a module-level function and ``args`` picklable when ``executor`` runs in
    other processes. In process, ``args_chunks`` may be a generator (consumed one chunk at a
    time); for an executor, every chunk is submitted before the first result is awaited. An
    exception in a chunk is raised here.
    """
    if executor is None:  # lazily: one chunk's arguments alive at a time
        return [fn(*args) for args in args_chunks]
    args_chunks = [tuple(a) for a in args_chunks]
    if _is_dask_client(executor):
        futures = [executor.submit(fn, *args, pure=False) for args in args_chunks]
        return list(executor.gather(futures))
    futures = [executor.submit(fn, *args) for args in args_chunks]
    return [f.result() for f in futures]


def map_rows(executor, fn, values, row_bytes: int, *args) -> list:
    """``fn(*args, values[part])`` for each chunk ``part`` of :func:`executor_slices`, in order."""
    parts = executor_slices(values.shape[0], row_bytes, executor)
    return map_chunks(executor, fn, [args + (values[part],) for part in parts])
