"""Gate and operation classes with Qiskit's names, as ``qiskit.circuit.library`` exports them.

``qc.append(RXXGate(θ), [0, 1])`` is the same instruction as ``qc.rxx(θ, 0, 1)``. The classes are
generated from the gate table (:mod:`qnn_core.circuit.instruction`).
"""

from qnn_core.circuit.instruction import (
    STANDARD_GATE_CLASSES,
    Barrier,
    Initialize,
    Measure,
    MCXGate,
    Reset,
    StatePreparation,
    UnitaryGate,
)

globals().update({cls.__name__: cls for cls in STANDARD_GATE_CLASSES.values()})

__all__ = sorted(cls.__name__ for cls in STANDARD_GATE_CLASSES.values()) + [
    "MCXGate", "UnitaryGate", "Measure", "Reset", "Barrier", "StatePreparation", "Initialize",
]
