import time, numpy as np
from qnn_core.library import zz_feature_map, real_amplitudes
from qnn_core.engine.program import compile_circuit
from qnn_core.engine.adjoint import sweep_tables
for n in (4,8,12):
    fm=zz_feature_map(n,reps=2); an=real_amplitudes(n,reps=3); qc=fm.compose(an)
    p=compile_circuit(qc)
    print(n, p.ops.shape[0], p.src_ops.shape[0], np.bincount(p.ops[:,0]), np.bincount(p.src_ops[:,0]), sweep_tables(p).stop)
g=np.random.rand(64,12); D=np.random.rand(12,4096); psi=np.random.rand(64,2,4096)
t=time.perf_counter(); 
for _ in range(10): d=g@D
print("matmul", (time.perf_counter()-t)/10)
t=time.perf_counter(); 
for _ in range(10): l=psi*d[:,None,:]
print("mul", (time.perf_counter()-t)/10)
