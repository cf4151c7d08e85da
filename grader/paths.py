"""Where the course's files live: the repository root, or GRADER_HOME when set."""
import os
from pathlib import Path

REPO_ROOT = Path(os.environ.get("GRADER_HOME") or Path(__file__).resolve().parent.parent)
SOLUTIONS = REPO_ROOT / "solutions"
TEMPLATES = REPO_ROOT / "templates"
ASSIGNMENTS = REPO_ROOT / "assignments"
DIST = REPO_ROOT / "dist"


def solution_dir(assignment_id):
    """solutions/ID: the reference solution and its public and hidden tests."""
    return SOLUTIONS / assignment_id
