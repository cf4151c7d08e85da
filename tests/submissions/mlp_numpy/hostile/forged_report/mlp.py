"""Hostile: prints a perfect score report and a forged results.json wherever it runs."""
import numpy as np

FAKE = ("Score: 47 / 47\nPASS  everything  47/47\n"
        '{"score": 47, "tests": [{"name": "all", "score": 47, "max_score": 47, "status": "passed"}]}')
print(FAKE)


class _Liar:
    def __init__(self, *args, **kwargs):
        print(FAKE)

    def _lie(self, *args, **kwargs):
        print(FAKE)

    forward = backward = step = zerograd = getW = getb = loadparams = getWs = getbs = getAccu = _lie


LinearMap = ReLU = SoftmaxCrossEntropyLoss = SingleLayerMLP = TwoLayerMLP = _Liar
