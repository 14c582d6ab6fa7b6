"""Benchmarks: qnn_core beside its peers (qiskit-machine-learning, Aer, PennyLane, Qulacs).

``python -m benchmarks`` runs :func:`benchmarks.runner.main`; see that module for the
workloads, the agreement checks and the output files (``benchmarks/results/latest.*``).
"""

__all__: list[str] = []
