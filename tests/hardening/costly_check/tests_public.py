"""Checks of the made-up assignment: the first one's arithmetic in the grader is unbounded."""
from grader.checks import check, expect


@check(points=1, part="Count")
def sum_of_squares(student):
    """the sum of the squares up to count() is what the formula says"""
    n = int(student.answers.count())
    total = sum(i * i for i in range(n))  # the grader's own loop, as long as the student says
    expect(total == (n - 1) * n * (2 * n - 1) // 6, f"sum of squares below {n}: wrong")


@check(points=1, part="Other")
def other_is_two(student):
    """other() is 2"""
    expect(student.answers.other() == 2, "other() is not 2")
