"""A Qiskit ``BaseSamplerV2`` whose counts are the exact probabilities rounded to ``shots``
(largest remainders), so that qiskit-machine-learning's sampler gradients, which read counts,
can be compared with exact ones to ~1/shots (tests only; measure_all circuits)."""

from __future__ import annotations

import numpy as np
from qiskit.primitives import BaseSamplerV2, BitArray, DataBin, PrimitiveResult, SamplerPubResult
from qiskit.quantum_info import Statevector


class _Done:
    def __init__(self, result):
        self._result = result

    def result(self):
        return self._result


def rounded_counts(probs: np.ndarray, shots: int) -> dict[int, int]:
    raw = probs * shots
    counts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: shots - counts.sum()]] += 1
    return {int(k): int(c) for k, c in enumerate(counts) if c}


class ExactCountsSampler(BaseSamplerV2):
    def __init__(self, shots: int = 1 << 16):
        self._shots = shots

    def run(self, pubs, *, shots=None):
        results = []
        for circuit, values in pubs:
            bound = circuit.assign_parameters(values)
            probs = Statevector(bound.remove_final_measurements(inplace=False)).probabilities()
            bits = BitArray.from_counts(rounded_counts(probs, self._shots), circuit.num_clbits)
            results.append(SamplerPubResult(DataBin(meas=bits, shape=()), metadata={}))
        return _Done(PrimitiveResult(results, metadata={}))
