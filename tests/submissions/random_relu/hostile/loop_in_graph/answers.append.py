

# -- hostile: graph_forward_backward never returns; the rest is the reference --------
def graph_forward_backward(W, x):
    while True:
        pass
