"""Auto-grader and handout builder for a deep-learning course."""
