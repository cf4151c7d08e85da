# ---- appended to gates.py: a correct OR with extra layers that scale by 1e300 and back ----
# relu(x1) + relu(x2), then 150 layers multiplying by 1e300 and 150 dividing by it again.
# float64 overflows to inf wherever OR holds, so every such point needs exact arithmetic;
# as Fractions (a numerator of 150 000 bits) that took hours. As integers times powers of two
# its values need 16 000 bits: it is judged, and passes (it is a correct OR), in seconds.
import numpy as _np

SCALE_LAYERS = 150


def or_gate():
    layers = [(_np.eye(2), _np.zeros(2)), (_np.array([[1.0, 1.0]]), _np.zeros(1))]
    layers += [(_np.array([[1e300]]), _np.zeros(1))] * SCALE_LAYERS
    layers += [(_np.array([[1e-300]]), _np.zeros(1))] * SCALE_LAYERS
    return layers + [(_np.array([[1.0]]), _np.zeros(1))]
