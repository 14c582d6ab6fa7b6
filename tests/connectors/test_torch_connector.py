"""TorchConnector: torch.autograd.gradcheck in float64, parity with qiskit-machine-learning's
TorchConnector on the same circuits and weights, the documented improvements (dtype follows the
input, input gradients whenever asked by autograd, batch-summed weight gradients), torch module
behaviour (Sequential, state_dict, to, no_grad, compile), sparse output, shot-free shift-rule
fallback, training, and errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from qnn_core.connectors import TorchConnector
from qnn_core.connectors.torch_connector import _QNNFunction
from qnn_core.exceptions import InputTypeError, ParameterError, QNNError
from qnn_core.gradients import ParamShiftEstimatorGradient, ParamShiftSamplerGradient
from qnn_core.primitives import Estimator, Sampler
from tests.connectors.helpers import (
    INTERPRETS, OBS, estimator_qnn, inputs_only_qnn, rng_inputs, sampler_qnn, weights_only_qnn,
)
from tests.neural_networks.reference import qiskit_params, to_qiskit, to_qiskit_op


def check(connector, x):
    """gradcheck of the autograd function in float64 over the input and the weights."""
    w = connector.weight.detach().double().requires_grad_(True)
    args = (x, w) if x is not None else (torch.zeros(0, dtype=torch.float64), w)
    assert torch.autograd.gradcheck(lambda a, b: _QNNFunction.apply(a, b, connector), args,
                                    eps=1e-6, atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize("batch", [1, 4])
def test_gradcheck_estimator_inputs_and_weights(batch):
    conn = TorchConnector(estimator_qnn(), initial_weights=rng_inputs(6, 1))
    check(conn, torch.tensor(rng_inputs((batch, 3), batch), requires_grad=True))


def test_gradcheck_estimator_one_sample_1d():
    conn = TorchConnector(estimator_qnn(), initial_weights=rng_inputs(6, 1))
    x = torch.tensor(rng_inputs(3, 2), requires_grad=True)
    assert conn(x).shape == (3,)
    check(conn, x)


@pytest.mark.parametrize("interpret", sorted(INTERPRETS))
@pytest.mark.parametrize("batch", [1, 3])
def test_gradcheck_sampler_interprets(interpret, batch):
    conn = TorchConnector(sampler_qnn(interpret), initial_weights=rng_inputs(6, 3))
    check(conn, torch.tensor(rng_inputs((batch, 3), 7), requires_grad=True))


@pytest.mark.parametrize("kind", ["estimator", "sampler"])
def test_gradcheck_no_inputs(kind):
    conn = TorchConnector(weights_only_qnn(kind), initial_weights=rng_inputs(4, 4))
    check(conn, None)
    out = conn()
    assert out.dim() == 1 and out.shape == conn.neural_network.output_shape
    out.sum().backward()
    assert conn.weight.grad.shape == (4,)
    # a (batch, 0) input repeats the one sample; weight gradients add up over the rows
    conn.weight.grad = None
    rows = conn(torch.zeros(5, 0))
    assert rows.shape == (5, *conn.neural_network.output_shape)
    rows.sum().backward()
    np.testing.assert_allclose(rows.detach().numpy(), np.broadcast_to(out.detach().numpy(), rows.shape))


@pytest.mark.parametrize("kind", ["estimator", "sampler"])
def test_gradcheck_no_weights(kind):
    conn = TorchConnector(inputs_only_qnn(kind))
    assert conn.weight.shape == (0,)
    x = torch.tensor(rng_inputs((3, 2), 5), requires_grad=True)
    check(conn, x)
    conn(x).sum().backward()
    assert x.grad.shape == (3, 2)


# --- parity with qiskit-machine-learning ------------------------------------------------------
def qiskit_estimator_connector(qnn, w0):
    from qiskit.primitives import StatevectorEstimator
    from qiskit_machine_learning.connectors import TorchConnector as QkTorchConnector
    from qiskit_machine_learning.gradients import ParamShiftEstimatorGradient as QkPS
    from qiskit_machine_learning.neural_networks import EstimatorQNN as QkEstimatorQNN

    qk = to_qiskit(qnn.circuit)
    est = StatevectorEstimator()
    qk_qnn = QkEstimatorQNN(circuit=qk, estimator=est, observables=[to_qiskit_op(o) for o in qnn.observables],
                            input_params=qiskit_params(qk, qnn.input_params),
                            weight_params=qiskit_params(qk, qnn.weight_params), gradient=QkPS(est),
                            input_gradients=True, default_precision=0.0)
    return QkTorchConnector(qk_qnn, initial_weights=w0), qk_qnn


def qiskit_sampler_connector(qnn, w0, interpret):
    from qiskit_machine_learning.connectors import TorchConnector as QkTorchConnector
    from qiskit_machine_learning.neural_networks import SamplerQNN as QkSamplerQNN

    fn, shape = INTERPRETS[interpret]
    qk = to_qiskit(qnn.circuit)
    qk_qnn = QkSamplerQNN(circuit=qk, input_params=qiskit_params(qk, qnn.input_params),
                          weight_params=qiskit_params(qk, qnn.weight_params), interpret=fn,
                          output_shape=shape, input_gradients=True)
    return QkTorchConnector(qk_qnn, initial_weights=w0), qk_qnn


# qiskit-ml's TorchConnector rounds outputs, Jacobians and cotangents to float32: its results
# agree with the exact ones to float32 rounding only. Our float64 VJP is compared in float64 with
# the float64 contraction of qiskit-ml's own Jacobian (its QNN's backward) at 1e-8 (its parameter
# shift and dyadic-count sampler carry ~1e-12 rounding).
F32 = dict(rtol=2e-5, atol=2e-6)


def run_both(ours, theirs, theirs_qnn, x_np, seed):
    g_np = np.random.default_rng(seed).normal(size=(x_np.shape[0], *ours.neural_network.output_shape))
    x64 = torch.tensor(x_np, requires_grad=True)
    out = ours.double()(x64)
    (out * torch.tensor(g_np)).sum().backward()
    x32 = torch.tensor(x_np, dtype=torch.float32, requires_grad=True)
    qout = theirs(x32)
    (qout * torch.tensor(g_np, dtype=torch.float32)).sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), qout.detach().double().numpy(), **F32)
    np.testing.assert_allclose(x64.grad.numpy(), x32.grad.double().numpy(), **F32)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.double().numpy(), **F32)
    w = ours.weight.detach().numpy()
    np.testing.assert_allclose(out.detach().numpy(), theirs_qnn.forward(x_np, w), rtol=0, atol=1e-8)
    ji, jw = theirs_qnn.backward(x_np, w)
    gf = g_np.reshape(g_np.shape[0], -1)
    np.testing.assert_allclose(x64.grad.numpy(), np.einsum("bo,boi->bi", gf, ji.reshape(*gf.shape, -1)),
                               rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.weight.grad.numpy(),
                               np.einsum("bo,boi->i", gf, jw.reshape(*gf.shape, -1)), rtol=0, atol=1e-8)


@pytest.mark.parametrize("batch", [1, 5])
def test_estimator_connector_equals_qiskit_ml(batch):
    qnn = estimator_qnn()
    w0 = rng_inputs(qnn.num_weights, 11)
    theirs, theirs_qnn = qiskit_estimator_connector(qnn, w0)
    run_both(TorchConnector(qnn, initial_weights=w0), theirs, theirs_qnn, rng_inputs((batch, 3), 12), batch)


@pytest.mark.parametrize("interpret", ["identity", "parity", "mod3"])
def test_sampler_connector_equals_qiskit_ml(interpret):
    qnn = sampler_qnn(interpret)
    w0 = rng_inputs(qnn.num_weights, 13)
    theirs, theirs_qnn = qiskit_sampler_connector(qnn, w0, interpret)
    run_both(TorchConnector(qnn, initial_weights=w0), theirs, theirs_qnn, rng_inputs((4, 3), 14), 3)


def test_attributes_and_initial_weights_like_qiskit_ml():
    qnn = estimator_qnn()
    w0 = rng_inputs(6, 3)
    conn = TorchConnector(qnn, initial_weights=w0)
    assert conn.neural_network is qnn and conn.sparse is False
    assert isinstance(conn.weight, torch.nn.Parameter) and conn.weight.dtype == torch.float32
    np.testing.assert_allclose(conn.weight.detach().numpy(), w0, rtol=1e-7)
    np.testing.assert_allclose(conn.initial_weights, w0.astype(np.float32))
    torch.manual_seed(0)
    drawn = TorchConnector(qnn).weight.detach().numpy()
    torch.manual_seed(0)
    assert np.array_equal(drawn, TorchConnector(qnn).weight.detach().numpy())
    assert drawn.min() >= -1 and drawn.max() <= 1 and len(set(drawn.tolist())) == 6


# --- better than qiskit-ml --------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_output_and_gradient_dtypes_follow_the_tensors(dtype):
    conn = TorchConnector(estimator_qnn(), initial_weights=rng_inputs(6, 1))
    x = torch.tensor(rng_inputs((2, 3), 0), dtype=dtype, requires_grad=True)
    out = conn(x)
    assert out.dtype == dtype
    out.sum().backward()
    assert x.grad.dtype == dtype and conn.weight.grad.dtype == torch.float32
    exact = conn.neural_network.forward(x.detach().double().numpy(), conn.weight.detach().double().numpy())
    tol = 1e-15 if dtype == torch.float64 else 1e-7
    np.testing.assert_allclose(out.detach().double().numpy(), exact, rtol=0, atol=tol)


def test_input_gradients_flow_without_input_gradients_flag():
    qnn = estimator_qnn()
    assert qnn.input_gradients is False
    conn = TorchConnector(qnn, initial_weights=rng_inputs(6, 1)).double()
    x = torch.tensor(rng_inputs((3, 3), 0), requires_grad=True)
    conn(x).sum().backward()
    assert x.grad is not None and torch.any(x.grad != 0)
    assert qnn.input_gradients is False  # the network's setting is left as it was


def test_weight_gradient_is_the_batch_sum_of_per_sample_gradients():
    conn = TorchConnector(sampler_qnn("parity"), initial_weights=rng_inputs(6, 1)).double()
    xs = torch.tensor(rng_inputs((4, 3), 0))
    conn(xs)[:, 1].sum().backward()
    total = conn.weight.grad.clone()
    singles = []
    for row in xs:
        conn.weight.grad = None
        conn(row)[1].backward()
        singles.append(conn.weight.grad.clone())
    np.testing.assert_allclose(total.numpy(), torch.stack(singles).sum(0).numpy(), rtol=0, atol=1e-13)


def test_leading_dimensions_are_kept():
    conn = TorchConnector(estimator_qnn(), initial_weights=rng_inputs(6, 1)).double()
    x = torch.tensor(rng_inputs((2, 3, 3), 0), requires_grad=True)
    out = conn(x)
    assert out.shape == (2, 3, 3)
    flat = conn(x.detach().reshape(6, 3))
    np.testing.assert_allclose(out.detach().numpy().reshape(6, 3), flat.detach().numpy(), rtol=0, atol=0)
    check(conn, x)


def test_shift_rule_fallback_through_the_same_connector():
    exact = estimator_qnn()
    shifted = estimator_qnn(gradient=ParamShiftEstimatorGradient(Estimator()))
    w0 = rng_inputs(6, 2)
    x = rng_inputs((3, 3), 4)
    grads = []
    for qnn in (exact, shifted):
        conn = TorchConnector(qnn, initial_weights=w0).double()
        xt = torch.tensor(x, requires_grad=True)
        (conn(xt) ** 2).sum().backward()
        grads.append((xt.grad.numpy(), conn.weight.grad.numpy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=0, atol=1e-10)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=0, atol=1e-10)


def test_shot_based_sampler_trains_through_the_connector():
    qnn = sampler_qnn("parity", sampler=Sampler(default_shots=2000, seed=3))
    assert isinstance(qnn.gradient, ParamShiftSamplerGradient)
    conn = TorchConnector(qnn, initial_weights=rng_inputs(6, 2))
    x = torch.tensor(rng_inputs((2, 3), 4), dtype=torch.float32)
    conn(x)[:, 0].sum().backward()
    exact = sampler_qnn("parity")
    _, jw = exact.backward(x.double().numpy(), conn.weight.detach().double().numpy())
    np.testing.assert_allclose(conn.weight.grad.numpy(), jw[:, 0].sum(0), atol=0.15)


# --- a torch module ---------------------------------------------------------------------------
def hybrid(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(),
                               TorchConnector(estimator_qnn(), initial_weights=rng_inputs(6, seed)),
                               torch.nn.Linear(3, 1))


def test_sequential_state_dict_and_to():
    model = hybrid().double().to("cpu")
    assert {k for k in model.state_dict()} == {"0.weight", "0.bias", "2.weight", "3.weight", "3.bias"}
    copy = hybrid(seed=5).double()
    copy.load_state_dict(model.state_dict())
    x = torch.tensor(rng_inputs((5, 4), 1))
    assert torch.equal(model(x), copy(x))
    assert model(x).dtype == torch.float64


def test_no_grad_runs_forward_only():
    model = hybrid().double()
    x = torch.tensor(rng_inputs((5, 4), 1))
    with torch.no_grad():
        out = model(x)
    assert out.grad_fn is None
    assert torch.equal(out, model(x).detach())


def test_retain_graph_second_backward_recomputes():
    conn = TorchConnector(estimator_qnn(), initial_weights=rng_inputs(6, 1)).double()
    x = torch.tensor(rng_inputs((3, 3), 0), requires_grad=True)
    out = conn(x).sum()
    out.backward(retain_graph=True)
    first = conn.weight.grad.clone()
    out.backward()
    np.testing.assert_allclose(conn.weight.grad.numpy(), 2 * first.numpy(), rtol=0, atol=1e-13)


def test_torch_compile_falls_back_to_eager_for_the_qnn():
    model = hybrid().double()
    compiled = torch.compile(model, backend="eager")
    x = torch.tensor(rng_inputs((5, 4), 1))
    out = compiled(x)
    np.testing.assert_allclose(out.detach().numpy(), model(x).detach().numpy(), rtol=0, atol=1e-14)
    out.sum().backward()
    assert model[2].weight.grad is not None and model[0].weight.grad is not None


def test_training_loop_loss_decreases():
    torch.manual_seed(1)
    model = hybrid(1)
    x = torch.tensor(rng_inputs((16, 4), 2), dtype=torch.float32)
    y = (x[:, :1] > 0).float()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(15):
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]


# --- sparse -------------------------------------------------------------------------------------
def test_sparse_output_and_gradients_as_qiskit_ml():
    pytest.importorskip("sparse")
    w0 = rng_inputs(6, 1)
    dense = TorchConnector(sampler_qnn("identity"), initial_weights=w0).double()
    sp = TorchConnector(sampler_qnn("identity", sparse=True), initial_weights=w0).double()
    assert sp.sparse is True
    x1 = torch.tensor(rng_inputs((3, 3), 0), requires_grad=True)
    x2 = x1.detach().clone().requires_grad_(True)
    out_sp = sp(x2)
    assert out_sp.layout == torch.sparse_coo
    out_d = dense(x1)
    np.testing.assert_allclose(out_sp.to_dense().detach().numpy(), out_d.detach().numpy(), rtol=0, atol=0)
    weights = torch.arange(8, dtype=torch.float64)
    (out_d * weights).sum().backward()
    torch.sparse.sum(out_sp * weights).backward()
    assert x2.grad.layout == torch.sparse_coo and sp.weight.grad.layout == torch.sparse_coo
    np.testing.assert_allclose(x2.grad.to_dense().numpy(), x1.grad.numpy(), rtol=0, atol=1e-14)
    np.testing.assert_allclose(sp.weight.grad.to_dense().numpy(), dense.weight.grad.numpy(), rtol=0, atol=1e-14)


def test_sparse_connector_needs_a_sparse_network():
    with pytest.raises(QNNError, match="sparse"):
        TorchConnector(sampler_qnn("identity"), sparse=True)


# --- errors -------------------------------------------------------------------------------------
def test_bad_arguments_raise_named_errors():
    qnn = estimator_qnn()
    with pytest.raises(InputTypeError, match="EstimatorQNN or SamplerQNN"):
        TorchConnector(object())
    with pytest.raises(ParameterError, match="expected 6 values"):
        TorchConnector(qnn, initial_weights=np.zeros(5))
    conn = TorchConnector(qnn)
    with pytest.raises(ParameterError, match=r"\(batch, 3\)"):
        conn(torch.zeros(2, 4))
    with pytest.raises(InputTypeError, match="torch.Tensor"):
        conn(np.zeros((2, 3)))
    with pytest.raises(ParameterError, match="expected"):
        TorchConnector(qnn)(None)


def test_observables_fixture_is_the_shared_one():
    assert [o.paulis[0] for o in estimator_qnn().observables] == OBS


def test_backward_reuses_the_forward_states(monkeypatch):
    import qnn_core.engine.simulate as simulate_module

    calls = []
    original = simulate_module.run_program

    def counting(*args):
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(simulate_module, "run_program", counting)
    conn = TorchConnector(sampler_qnn("parity"), initial_weights=rng_inputs(6, 1)).double()
    x = torch.tensor(rng_inputs((3, 3), 0), requires_grad=True)
    out = conn(x)
    assert len(calls) == 1  # the forward run, states kept
    out[:, 0].sum().backward()
    assert len(calls) == 1  # the backward swept the kept states: no second forward run
    out = conn(x)
    out[:, 1].sum().backward()
    assert len(calls) == 2  # a new step: one run again
