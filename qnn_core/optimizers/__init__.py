"""Optimizers with qiskit-machine-learning 0.9.1's names, constructor arguments and defaults.

Every optimizer has ``minimize(fun, x0, jac=None, bounds=None, *, callback=None)`` returning an
:class:`OptimizerResult` (``x fun jac nfev njev nit``), and calls ``callback(weights, loss)``
exactly once per iteration, whatever the method (see :mod:`qnn_core.optimizers.base`).
Gradients are always handled as float64 ``(num_weights,)``.
"""

from qnn_core.optimizers.adam import ADAM
from qnn_core.optimizers.aqgd import AQGD
from qnn_core.optimizers.base import Optimizer, OptimizerSupportLevel
from qnn_core.optimizers.gradient_descent import GradientDescent, GradientDescentState
from qnn_core.optimizers.result import OptimizerResult
from qnn_core.optimizers.gsls import GSLS
from qnn_core.optimizers.nft import NFT
from qnn_core.optimizers.scipy_optimizers import (
    CG,
    COBYLA,
    L_BFGS_B,
    NELDER_MEAD,
    P_BFGS,
    POWELL,
    SLSQP,
    TNC,
    SciPyOptimizer,
)
from qnn_core.optimizers.spsa import SPSA
from qnn_core.optimizers.qnspsa import QNSPSA
from qnn_core.optimizers.steppable_optimizer import (
    AskData,
    OptimizerState,
    SteppableOptimizer,
    TellData,
)

__all__ = [
    "Optimizer",
    "OptimizerSupportLevel",
    "OptimizerResult",
    "SciPyOptimizer",
    "COBYLA",
    "L_BFGS_B",
    "SLSQP",
    "NELDER_MEAD",
    "POWELL",
    "CG",
    "TNC",
    "P_BFGS",
    "NFT",
    "GSLS",
    "AQGD",
    "ADAM",
    "GradientDescent",
    "GradientDescentState",
    "SteppableOptimizer",
    "OptimizerState",
    "AskData",
    "TellData",
    "SPSA",
    "QNSPSA",
]
