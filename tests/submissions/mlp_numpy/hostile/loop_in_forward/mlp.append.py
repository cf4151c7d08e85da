

# -- hostile: LinearMap.forward never returns; the rest is the reference ------------
def _forward_forever(self, x):
    while True:
        pass


LinearMap.forward = _forward_forever
