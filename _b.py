import time, numpy as np, torch
from qnn_core.library import zz_feature_map, real_amplitudes
from qnn_core.neural_networks import EstimatorQNN
from qnn_core.connectors import TorchConnector
from qnn_core import SparsePauliOp
for n in (4,8,12):
    fm=zz_feature_map(n,reps=2); an=real_amplitudes(n,reps=3); qc=fm.compose(an)
    obs=[SparsePauliOp("I"*(n-1-q)+"Z"+"I"*q) for q in range(n)]
    qnn=EstimatorQNN(circuit=qc,observables=obs,input_params=fm.parameters,weight_params=an.parameters)
    torch.manual_seed(0)
    model=torch.nn.Sequential(torch.nn.Linear(8,n),TorchConnector(qnn),torch.nn.Linear(n,1)).double()
    x=torch.randn(64,8,dtype=torch.float64); y=torch.randn(64,1,dtype=torch.float64)
    opt=torch.optim.Adam(model.parameters(),lr=0.01)
    def step():
        t0=time.perf_counter(); opt.zero_grad(); loss=((model(x)-y)**2).mean(); t1=time.perf_counter(); loss.backward(); t2=time.perf_counter(); opt.step(); t3=time.perf_counter()
        return t1-t0,t2-t1,t3-t2
    step(); step()
    ts=np.array([step() for _ in range(5)])
    print(n, np.median(ts,0))
    import cProfile, pstats
    if n==12:
        cProfile.run("for _ in range(3): step()", "/tmp/prof")
        pstats.Stats("/tmp/prof").sort_stats("cumtime").print_stats(25)
