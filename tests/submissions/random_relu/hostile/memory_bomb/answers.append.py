

# -- hostile: expected_relu_output asks for 50 GB; softmax_ce_grad grows a list forever --
def expected_relu_output(sigma):
    hog = np.ones(50 * 2**30 // 8)
    return float(hog[0]) * sigma


def softmax_ce_grad(z1, z2, y):
    hog = []
    while True:
        hog.append([0.0] * 2**21)  # 16 MB of pointers, written, each time
