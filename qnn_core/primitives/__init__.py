"""Primitives with Qiskit's V2 semantics on the statevector engine: ``Estimator`` and ``Sampler``.

``run(pubs)`` returns a :class:`Job`; ``job.result()`` is a :class:`PrimitiveResult` of one
:class:`PubResult` per pub. See the modules for shapes, the noise / sampling order and every
deliberate difference from Qiskit.
"""

from qnn_core.primitives.containers import (
    BitArray,
    DataBin,
    PrimitiveResult,
    ProbabilityArray,
    PubResult,
    SamplerPubResult,
)
from qnn_core.primitives.estimator import Estimator
from qnn_core.primitives.job import Job
from qnn_core.primitives.sampler import Sampler

__all__ = [
    "Estimator",
    "Sampler",
    "Job",
    "BitArray",
    "ProbabilityArray",
    "DataBin",
    "PubResult",
    "SamplerPubResult",
    "PrimitiveResult",
]
