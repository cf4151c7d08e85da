

# -- hostile: every LinearMap.forward prints 100 MB, then answers correctly ----------
_reference_forward = LinearMap.forward


def _forward_flooding(self, x):
    line = "flood " * 174762  # about 1 MB
    for _ in range(100):
        print(line)
    return _reference_forward(self, x)


LinearMap.forward = _forward_flooding
