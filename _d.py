import time, numpy as np, torch, cProfile, pstats
torch.set_num_threads(1)
from qnn_core.library import zz_feature_map, real_amplitudes
from qnn_core.neural_networks import EstimatorQNN
from qnn_core.connectors import TorchConnector
from qnn_core import SparsePauliOp
n=4
fm=zz_feature_map(n,reps=2); an=real_amplitudes(n,reps=3); qc=fm.compose(an)
obs=[SparsePauliOp("I"*(n-1-q)+"Z"+"I"*q) for q in range(n)]
qnn=EstimatorQNN(circuit=qc,observables=obs,input_params=fm.parameters,weight_params=an.parameters)
model=torch.nn.Sequential(torch.nn.Linear(8,n),TorchConnector(qnn),torch.nn.Linear(n,1)).double()
x=torch.randn(64,8,dtype=torch.float64); y=torch.randn(64,1,dtype=torch.float64)
opt=torch.optim.Adam(model.parameters(),lr=0.01)
def step():
    opt.zero_grad(); loss=((model(x)-y)**2).mean(); loss.backward(); opt.step()
for _ in range(3): step()
t=time.perf_counter()
for _ in range(20): step()
print((time.perf_counter()-t)/20)
cProfile.run("for _ in range(20): step()", "/tmp/prof4")
pstats.Stats("/tmp/prof4").sort_stats("tottime").print_stats(15)
