"""The score table a person reads in the terminal."""
import sys
import textwrap


def print_table(results, stream=sys.stdout, show_output=True):
    """One row per check, then each failure's message, then the total."""
    if results.output:
        print(results.output, file=stream)
    width = max([len(t.name) for t in results.tests] + [10])
    for test in results.tests:
        mark = "PASS" if test.passed else "FAIL"
        hidden = "  (hidden)" if test.visibility != "visible" else ""
        print(f"{mark}  {test.name:<{width}}  {test.score:>4g}/{test.max_score:<4g}{hidden}", file=stream)
    failures = [t for t in results.tests if not t.passed and t.output]
    if show_output and failures:
        print("\nWhat went wrong:", file=stream)
        for test in failures:
            print(f"- {test.name}:", file=stream)
            print(textwrap.indent(test.output.strip(), "    "), file=stream)
    print(f"\nScore: {results.score:g} / {results.max_score:g}", file=stream)
