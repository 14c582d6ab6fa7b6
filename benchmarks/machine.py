"""What the numbers were measured on: CPU, cores, threads, load, package versions, environment.

:func:`set_threads` puts every engine on the same thread count before any of them is imported
(OpenMP runtimes read ``OMP_NUM_THREADS`` once, at load); :func:`machine_info` records it all.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata

__all__ = ["THREAD_ENV", "set_threads", "machine_info", "load_average", "cpu_model"]

THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
              "QULACS_PARALLEL_NQUBIT_THRESHOLD", "OMP_WAIT_POLICY", "OMP_PROC_BIND")

_PACKAGES = ("numpy", "numba", "llvmlite", "scipy", "qiskit", "qiskit-machine-learning",
             "qiskit-aer", "pennylane", "pennylane-lightning", "qulacs", "matplotlib",
             "threadpoolctl")


def set_threads(threads: int) -> None:
    """Use ``threads`` threads everywhere: OpenMP (Aer's default, Lightning, Qulacs), BLAS, Numba.

    Environment variables only take effect for libraries loaded afterwards, so the runner calls
    this before importing any peer; Numba is set at run time by the qnn_core peer, and already
    loaded BLAS/OpenMP pools are limited with threadpoolctl when it is installed.
    """
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=int(threads))
    except ImportError:
        pass


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def _versions() -> dict[str, str | None]:
    out = {}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _qnn_core_revision() -> str | None:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        rev = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return rev.stdout.strip() or None


def _numba_info() -> dict:
    try:
        import numba
    except ImportError:
        return {}
    info = {"num_threads": numba.get_num_threads(), "config_threads": numba.config.NUMBA_NUM_THREADS}
    try:
        info["threading_layer"] = numba.threading_layer()
    except ValueError:  # no parallel region has run yet
        info["threading_layer"] = f"not started (config {numba.config.THREADING_LAYER})"
    return info


def _memory_gib() -> float | None:
    try:
        return round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def machine_info(threads: int) -> dict:
    """A JSON-ready dict describing the machine, the software and the thread settings."""
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
    except ImportError:
        physical = None
    try:
        from threadpoolctl import threadpool_info

        pools = [{k: p.get(k) for k in ("internal_api", "num_threads", "version")}
                 for p in threadpool_info()]
    except ImportError:
        pools = []
    return {
        "cpu_model": cpu_model(),
        "logical_cores": os.cpu_count(),
        "physical_cores": physical,
        "memory_gib": _memory_gib(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "threads_requested": int(threads),
        "thread_env": {v: os.environ.get(v) for v in THREAD_ENV},
        "numba": _numba_info(),
        "threadpools": pools,
        "load_average_1_5_15": load_average(),
        "packages": _versions(),
        "qnn_core_revision": _qnn_core_revision(),
    }
