"""``jax_function``: a qnn_core QNN as a differentiable JAX function of ``(inputs, weights)``.

``f = jax_function(qnn)`` gives ``f(inputs, weights) -> outputs`` with ``inputs (..., num_inputs)``
(a 1-D input is one sample and gives ``output_shape``), ``weights (num_weights,)`` and outputs
``(..., *output_shape)``. The QNN runs on the host through ``jax.pure_callback``, so ``f`` works
under ``jax.jit``; it is a ``jax.custom_vjp`` whose backward calls :meth:`NeuralNetwork.vjp` (one
reverse sweep per sample, :mod:`qnn_core.engine.vjp`), so ``jax.grad``/``jax.vjp`` work (reverse
mode only: forward mode, ``jax.jvp``/``jax.jacfwd``, is not defined for a custom VJP). Under
``jax.vmap`` the callback receives the whole mapped batch at once (``vmap_method="broadcast_all"``):
rows that share the weights run as one QNN batch.

Precision: the QNN computes in float64; outputs and gradients take the dtype of ``inputs`` (of
``weights`` without inputs), so enable ``jax.config.update("jax_enable_x64", True)`` for float64 —
by default JAX arrays are float32. Unlike the torch connector, the forward states are not kept
for the backward (JAX residuals are arrays on the device; the backward reruns the forward on the
host, ~1 extra forward pass).
"""

from __future__ import annotations

import numpy as np

from qnn_core.connectors._optional import require
from qnn_core.exceptions import InputTypeError, ParameterError
from qnn_core.neural_networks.neural_network import NeuralNetwork

jax = require("jax", "jax")
jnp = jax.numpy

__all__ = ["jax_function"]


def _dense(result) -> np.ndarray:
    if hasattr(result, "todense"):
        result = result.todense()
    return np.asarray(result, dtype=np.float64)


class _Host:
    """The host side of the callbacks: NumPy arrays in, NumPy arrays out."""

    def __init__(self, qnn: NeuralNetwork) -> None:
        self.qnn = qnn
        self.out_shape = tuple(qnn.output_shape)

    def _rows(self, x: np.ndarray, w: np.ndarray):
        """Split vmapped axes: ``w (*vm, nw)`` and ``x (*vm, *own, n)`` into ``M = prod(vm)`` rows."""
        vm = w.shape[:-1]
        m = int(np.prod(vm, dtype=np.int64))
        ws = w.reshape(m, w.shape[-1])
        b = int(np.prod(x.shape[len(vm):-1], dtype=np.int64))  # 1 for a 1-D sample
        xs = x.reshape(m, b, x.shape[-1])
        shared = m == 1 or bool(np.all(ws == ws[:1]))
        return vm, m, ws, xs, shared

    def _inputs(self, xs_row: np.ndarray):
        return xs_row if self.qnn.num_inputs else None

    def forward(self, x, w, dtype) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        w = np.asarray(w, dtype=np.float64)
        vm, m, ws, xs, shared = self._rows(x, w)
        b = xs.shape[1]
        if shared:
            flat = xs.reshape(m * b, -1)
            out = _dense(self.qnn.forward(self._inputs(flat), ws[0]))
            out = np.broadcast_to(out.reshape(-1, *self.out_shape), (m * b, *self.out_shape))
        else:
            out = np.concatenate([np.broadcast_to(
                _dense(self.qnn.forward(self._inputs(xs[i]), ws[i])).reshape(-1, *self.out_shape),
                (b, *self.out_shape)) for i in range(m)])
        return np.ascontiguousarray(out.reshape(*x.shape[:-1], *self.out_shape), dtype=dtype)

    def vjp(self, x, w, g, dtype_x, dtype_w):
        x = np.asarray(x, dtype=np.float64)
        w = np.asarray(w, dtype=np.float64)
        vm, m, ws, xs, shared = self._rows(x, w)
        b, n, nw = xs.shape[1], x.shape[-1], w.shape[-1]
        g = np.asarray(g, dtype=np.float64).reshape(m, b, *self.out_shape)
        qnn = self.qnn
        want_in = qnn.num_inputs > 0
        gi = np.zeros((m, b, n))
        gw = np.zeros((m, nw))
        groups = ([(slice(0, m), ws[0])] if shared and want_in
                  else [(slice(i, i + 1), ws[i]) for i in range(m)])
        for rows, wrow in groups:
            k = rows.stop - rows.start
            gg = g[rows].reshape(k * b, *self.out_shape)
            if not want_in:  # one QNN sample served every row: cotangents add up
                gg = gg.sum(axis=0, keepdims=True)
            vi, vw = qnn.vjp(self._inputs(xs[rows].reshape(k * b, n)), wrow, gg,
                             input_gradients=want_in, weight_gradients=nw > 0)
            if vi is not None:
                gi[rows] = vi.reshape(k, b, n)
            if vw is not None:
                gw[rows] = vw.reshape(k, -1, nw).sum(axis=1) if want_in else vw.reshape(1, nw)
        return (np.ascontiguousarray(gi.reshape(x.shape), dtype=dtype_x),
                np.ascontiguousarray(gw.reshape(w.shape), dtype=dtype_w))


def _out_dtype(inputs, weights, num_inputs: int):
    if num_inputs and jnp.issubdtype(inputs.dtype, jnp.floating):
        return inputs.dtype
    return weights.dtype if jnp.issubdtype(weights.dtype, jnp.floating) else jnp.zeros(()).dtype


def jax_function(neural_network: NeuralNetwork):
    """``f(inputs, weights) -> outputs``: ``neural_network`` as a ``jax.custom_vjp`` function.

    ``inputs``: ``(..., num_inputs)`` (use shape ``(0,)`` or ``(batch, 0)`` when the network has
    no inputs); ``weights``: ``(num_weights,)``. See the module docstring for jit, vmap, grad
    and precision.
    """
    if not isinstance(neural_network, NeuralNetwork):
        raise InputTypeError(f"neural_network is a {type(neural_network).__name__}; expected a "
                             "qnn_core EstimatorQNN or SamplerQNN")
    host = _Host(neural_network)
    n, nw = neural_network.num_inputs, neural_network.num_weights

    def check(inputs, weights):
        if inputs.ndim == 0 or inputs.shape[-1] != n:
            raise ParameterError(f"inputs have shape {inputs.shape}; expected (batch, {n}) or "
                                 f"({n},): the last dimension must be num_inputs")
        if weights.shape != (nw,):
            raise ParameterError(f"weights have shape {weights.shape}; expected ({nw},)")

    def call(inputs, weights):
        dtype = _out_dtype(inputs, weights, n)
        spec = jax.ShapeDtypeStruct(inputs.shape[:-1] + host.out_shape, dtype)
        return jax.pure_callback(lambda x, w: host.forward(x, w, np.dtype(dtype)), spec,
                                 inputs, weights, vmap_method="broadcast_all")

    @jax.custom_vjp
    def f(inputs, weights):
        return call(inputs, weights)

    def fwd(inputs, weights):
        return call(inputs, weights), (inputs, weights)

    def bwd(res, g):
        inputs, weights = res
        specs = (jax.ShapeDtypeStruct(inputs.shape, inputs.dtype),
                 jax.ShapeDtypeStruct(weights.shape, weights.dtype))
        return jax.pure_callback(
            lambda x, w, gg: host.vjp(x, w, gg, np.dtype(inputs.dtype), np.dtype(weights.dtype)),
            specs, inputs, weights, g, vmap_method="broadcast_all")

    f.defvjp(fwd, bwd)

    def function(inputs, weights):
        inputs, weights = jnp.asarray(inputs), jnp.asarray(weights)
        check(inputs, weights)
        return f(inputs, weights)

    function.__doc__ = (f"{type(neural_network).__name__} as a JAX function: inputs (..., {n}), "
                        f"weights ({nw},) -> outputs (..., {', '.join(map(str, host.out_shape))})")
    return function
