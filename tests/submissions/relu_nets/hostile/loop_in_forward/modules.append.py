

# -- hostile: Linear.forward never returns; the rest is the reference ----------------
def _forward_forever(self, x):
    while True:
        pass


Linear.forward = _forward_forever
