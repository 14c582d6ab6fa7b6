"""The demo's timing: kernels compile in a warm-up call before the per-iteration clock starts."""

from qnn_core.demo import run_demo


def test_each_model_is_warmed_up_before_its_iterations_are_timed():
    lines: list[str] = []
    runs = run_demo(maxiter=2, plot=False, say=lines.append)
    assert len(runs) == 2
    warm = [i for i, line in enumerate(lines) if line.strip().startswith("first call")]
    first_iteration = [i for i, line in enumerate(lines) if line.strip().startswith("iteration   1 ")]
    assert len(warm) == 2 and len(first_iteration) == 2
    assert warm[0] < first_iteration[0] < warm[1] < first_iteration[1]
    assert sum("per iteration without compilation" in line for line in lines) == 2
