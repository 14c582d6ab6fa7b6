"""Observables: Pauli strings and weighted sums of them."""

from qnn_core.operators.pauli_list import PauliList
from qnn_core.operators.sparse_pauli_op import SparsePauliOp, as_sparse_pauli_op, to_masks

__all__ = ["PauliList", "SparsePauliOp", "as_sparse_pauli_op", "to_masks"]
