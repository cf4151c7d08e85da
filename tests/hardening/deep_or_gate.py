# ---- appended to gates.py: a correct OR whose exact values grow without end ----
# relu(x1) + relu(x2), copied to two units, then 150 layers that mix the two with weights
# 1e300 and 1e-300 (positive: the output stays > 0 exactly where x1 > 0 or x2 > 0). float64
# overflows to inf at every point where OR holds, so each would need exact arithmetic, and
# every layer widens the exact values by some 2000 bits: hours of the grader's time as
# Fractions, 300 000-bit numbers at the end.
import numpy as _np

MIXING_LAYERS = 150


def or_gate():
    layers = [(_np.eye(2), _np.zeros(2)), (_np.array([[1.0, 1.0]]), _np.zeros(1)),
              (_np.array([[1.0], [1.0]]), _np.zeros(2))]
    layers += [(_np.array([[1e300, 1e-300], [1e-300, 1e300]]), _np.zeros(2))] * MIXING_LAYERS
    return layers + [(_np.array([[1.0, 1.0]]), _np.zeros(1))]
