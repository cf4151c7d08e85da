# ---- the whole answers.py of the made-up assignment in costly_check/ ----
# count() asks the grader's naive check to add up 10**12 terms: hours of the grader's own time.


def count():
    return 10 ** 12


def other():
    return 2
