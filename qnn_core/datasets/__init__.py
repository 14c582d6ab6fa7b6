"""Data sets with qiskit-machine-learning 0.9.1's API: ``ad_hoc_data``."""

from qnn_core.datasets.ad_hoc import ad_hoc_data

__all__ = ["ad_hoc_data"]
