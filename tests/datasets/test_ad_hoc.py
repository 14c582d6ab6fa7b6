"""ad_hoc_data: the same points and labels as qiskit-machine-learning's for the same seed."""

from __future__ import annotations

import numpy as np
import pytest

from qnn_core.utils.algorithm_globals import algorithm_globals
from qnn_core.datasets import ad_hoc_data
from qnn_core.exceptions import TrainingError

qds = pytest.importorskip("qiskit_machine_learning.datasets")

CASES = [
    dict(training_size=10, test_size=5, n=2, gap=0.3),
    dict(training_size=5, test_size=3, n=3, gap=0.1, one_hot=False),
    dict(training_size=4, test_size=2, n=1, entanglement="linear", class_labels=["a", "b"],
         one_hot=False),
    dict(training_size=6, test_size=2, n=2, labelling_method="measurement"),
    dict(training_size=8, test_size=4, n=4, sampling_method="hypercube", divisions=10,
         entanglement="circular"),
    dict(training_size=6, test_size=4, n=3, sampling_method="hypercube", divisions=5,
         labelling_method="measurement", include_sample_total=True),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_same_points_as_qiskit_ml(case):
    from qiskit_machine_learning.utils import algorithm_globals as qiskit_globals

    algorithm_globals.random_seed = 42
    ours = ad_hoc_data(**case)
    qiskit_globals.random_seed = 42
    theirs = qds.ad_hoc_data(**case)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    size = 2 * case["training_size"]
    assert ours[0].shape == (size, case["n"])


def test_sobol_is_reproducible_and_labelled():
    algorithm_globals.random_seed = 7
    a = ad_hoc_data(6, 2, 2, sampling_method="sobol")
    algorithm_globals.random_seed = 7
    b = ad_hoc_data(6, 2, 2, sampling_method="sobol")
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert a[0].shape == (12, 2) and np.all((a[0] >= 0) & (a[0] < 2 * np.pi))


@pytest.mark.parametrize("kwargs, match", [
    (dict(training_size=-1, test_size=1, n=2), "training_size is -1"),
    (dict(training_size=1, test_size=-2, n=2), "test_size is -2"),
    (dict(training_size=1, test_size=1, n=0), "n is 0"),
    (dict(training_size=1, test_size=1, n=2, gap=-1), "gap is -1"),
    (dict(training_size=1, test_size=1, n=2, entanglement="ring"), "'ring'"),
    (dict(training_size=1, test_size=1, n=2, sampling_method="random"), "'random'"),
    (dict(training_size=1, test_size=1, n=2, sampling_method="hypercube"), "divisions is 0"),
    (dict(training_size=1, test_size=1, n=2, labelling_method="vote"), "'vote'"),
    (dict(training_size=1, test_size=1, n=4), "n is 4"),
])
def test_bad_arguments_name_the_value(kwargs, match):
    with pytest.raises(TrainingError, match=match):
        ad_hoc_data(**kwargs)
