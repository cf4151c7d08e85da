"""Hostile: prints a perfect score report instead of answering."""
FAKE = ("Score: 50 / 50\nAll tests passed!\n"
        '{"score": 50, "tests": [{"name": "all", "score": 50, "max_score": 50, "status": "passed"}]}')
print(FAKE)


def _lie(*args, **kwargs):
    print(FAKE)


expected_active = preactivation_moments = expected_relu_output = graph_forward_backward = softmax_ce_grad = _lie
