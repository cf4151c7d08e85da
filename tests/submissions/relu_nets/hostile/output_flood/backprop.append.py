

# -- hostile: every grad_W prints 20 MB, then answers correctly ----------------------
_reference_grad_W = grad_W


def grad_W(W, x):
    line = "flood " * 174762  # about 1 MB
    for _ in range(20):
        print(line)
    return _reference_grad_W(W, x)
