

# -- hostile: LinearMap.forward asks for 50 GB at once; the loss grows a list forever --
def _forward_50_gb(self, x):
    hog = np.ones(50 * 2**30 // 8)
    return hog[: x.shape[0]]


def _loss_grows_a_list(self, logits, labels):
    hog = []
    while True:
        hog.append([0.0] * 2**21)  # 16 MB of pointers, written, each time


LinearMap.forward = _forward_50_gb
SoftmaxCrossEntropyLoss.forward = _loss_grows_a_list
