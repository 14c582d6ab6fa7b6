"""jax_function: custom VJP against jax.test_util.check_grads and against the torch connector,
under jit, grad and vmap (over a batch axis and over weights), dtypes, no inputs, errors.

float64 needs JAX's x64 mode, switched on for this module (it is off by default in JAX)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
from jax.test_util import check_grads  # noqa: E402

from qnn_core.connectors import TorchConnector, jax_function  # noqa: E402
from qnn_core.exceptions import InputTypeError, ParameterError  # noqa: E402
from tests.connectors.helpers import estimator_qnn, rng_inputs, sampler_qnn, weights_only_qnn  # noqa: E402

# Central differences with JAX's default step 1e-4 are off by ~1e-5 here (the feature map's
# products of angles have large third derivatives); 1e-6 keeps the check at its tolerance.
EPS = 1e-6


@pytest.mark.parametrize("make", [estimator_qnn, lambda: sampler_qnn("mod3"), lambda: sampler_qnn("2d")],
                         ids=["estimator", "sampler-mod3", "sampler-2d"])
def test_check_grads_reverse_mode(make):
    f = jax_function(make())
    x = jnp.asarray(rng_inputs((3, 3), 1))
    w = jnp.asarray(rng_inputs(6, 2))
    check_grads(f, (x, w), order=1, modes=["rev"], eps=EPS)
    check_grads(f, (x[0], w), order=1, modes=["rev"], eps=EPS)


def test_vjp_equals_the_torch_connector():
    qnn = sampler_qnn("parity")
    x_np, w_np = rng_inputs((4, 3), 3), rng_inputs(6, 4)
    g_np = np.random.default_rng(5).normal(size=(4, 2))
    out, pullback = jax.vjp(jax_function(qnn), jnp.asarray(x_np), jnp.asarray(w_np))
    gx, gw = pullback(jnp.asarray(g_np))
    conn = TorchConnector(qnn, initial_weights=w_np).double()
    conn.weight.data = torch.tensor(w_np)
    xt = torch.tensor(x_np, requires_grad=True)
    tout = conn(xt)
    (tout * torch.tensor(g_np)).sum().backward()
    np.testing.assert_allclose(np.asarray(out), tout.detach().numpy(), rtol=0, atol=1e-15)
    np.testing.assert_allclose(np.asarray(gx), xt.grad.numpy(), rtol=0, atol=1e-13)
    np.testing.assert_allclose(np.asarray(gw), conn.weight.grad.numpy(), rtol=0, atol=1e-13)


def test_jit_grad_and_vmap_over_the_batch_axis():
    f = jax_function(estimator_qnn())
    x = jnp.asarray(rng_inputs((5, 3), 6))
    w = jnp.asarray(rng_inputs(6, 7))

    def loss(x, w):
        return jnp.sum(jnp.sin(f(x, w)))

    def loss_mapped(x, w):
        return jnp.sum(jnp.sin(jax.vmap(f, in_axes=(0, None))(x, w)))

    g = jax.jit(jax.grad(loss, argnums=(0, 1)))(x, w)
    gm = jax.jit(jax.grad(loss_mapped, argnums=(0, 1)))(x, w)
    np.testing.assert_allclose(np.asarray(jax.vmap(f, in_axes=(0, None))(x, w)), np.asarray(f(x, w)),
                               rtol=0, atol=0)
    for a, b in zip(g, gm):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=0, atol=1e-13)
    check_grads(lambda x, w: jax.vmap(f, in_axes=(0, None))(x, w), (x, w), order=1, modes=["rev"],
                eps=EPS)


def test_vmap_over_weights():
    f = jax_function(estimator_qnn())
    x = jnp.asarray(rng_inputs((2, 3), 6))
    ws = jnp.asarray(rng_inputs((3, 6), 8))
    out = jax.vmap(f, in_axes=(None, 0))(x, ws)
    for i in range(3):
        np.testing.assert_allclose(np.asarray(out[i]), np.asarray(f(x, ws[i])), rtol=0, atol=0)
    grads = jax.grad(lambda ws: jnp.sum(jax.vmap(f, in_axes=(None, 0))(x, ws) ** 2))(ws)
    for i in range(3):
        gi = jax.grad(lambda w: jnp.sum(f(x, w) ** 2))(ws[i])
        np.testing.assert_allclose(np.asarray(grads[i]), np.asarray(gi), rtol=0, atol=1e-13)


def test_dtype_follows_the_inputs():
    f = jax_function(estimator_qnn())
    x = rng_inputs((2, 3), 1)
    w = rng_inputs(6, 2)
    assert f(jnp.asarray(x), jnp.asarray(w)).dtype == jnp.float64
    out32 = f(jnp.asarray(x, dtype=jnp.float32), jnp.asarray(w, dtype=jnp.float32))
    assert out32.dtype == jnp.float32
    gx = jax.grad(lambda x: jnp.sum(f(x, jnp.asarray(w, dtype=jnp.float32))))(jnp.asarray(x, dtype=jnp.float32))
    assert gx.dtype == jnp.float32


def test_no_inputs():
    qnn = weights_only_qnn("sampler")
    f = jax_function(qnn)
    w = jnp.asarray(rng_inputs(4, 3))
    one = f(jnp.zeros(0), w)
    assert one.shape == (4,)
    rows = f(jnp.zeros((3, 0)), w)
    np.testing.assert_allclose(np.asarray(rows), np.broadcast_to(np.asarray(one), (3, 4)), rtol=0, atol=0)
    check_grads(lambda w: f(jnp.zeros((3, 0)), w), (w,), order=1, modes=["rev"], eps=EPS)
    ws = jnp.stack([w, 0.5 * w])
    gm = jax.grad(lambda ws: jnp.sum(jax.vmap(f, in_axes=(None, 0))(jnp.zeros((2, 0)), ws)[:, :, 1]))(ws)
    g1 = jax.grad(lambda w: jnp.sum(f(jnp.zeros((2, 0)), w)[:, 1]))(0.5 * w)
    np.testing.assert_allclose(np.asarray(gm[1]), np.asarray(g1), rtol=0, atol=1e-13)


def test_bad_arguments():
    f = jax_function(estimator_qnn())
    with pytest.raises(ParameterError, match=r"\(batch, 3\)"):
        f(jnp.zeros((2, 4)), jnp.zeros(6))
    with pytest.raises(ParameterError, match=r"\(6,\)"):
        f(jnp.zeros((2, 3)), jnp.zeros(5))
    with pytest.raises(InputTypeError):
        jax_function("not a qnn")
