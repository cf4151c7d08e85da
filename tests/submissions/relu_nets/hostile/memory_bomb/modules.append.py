

# -- hostile: Linear.forward asks torch for 50 GB; the loss grows a list forever ------
def _forward_50_gb(self, x):
    hog = torch.empty(50 * 10**9, dtype=torch.uint8)
    hog.fill_(1)
    return hog[: x.shape[0]]


def _loss_grows_a_list(self, logits, targets):
    hog = []
    while True:
        hog.append([0.0] * 2**21)  # 16 MB of pointers, written, each time


Linear.forward = _forward_50_gb
CrossEntropyLoss.forward = _loss_grows_a_list
