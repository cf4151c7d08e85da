"""The score table a person reads in the terminal."""
import sys
import textwrap


def row(test, width=0):
    """One check's line: PASS or FAIL, its name, its score, and whether it is hidden or a bonus."""
    mark = "PASS" if test.passed else "FAIL"
    notes = [n for n in ("hidden" if test.visibility != "visible" else "", test.extra_data.get("kind", ""))
             if n and n != "scored"]
    shown = f"  ({', '.join(notes)})" if notes else ""
    return f"{mark}  {test.name:<{width}}  {test.score:>4g}/{test.max_score:<4g}{shown}"


def print_line(test, stream=None):
    """A check's line as soon as it finishes (`grader check`), with a passing check's figure."""
    stream = stream or sys.stdout
    print(row(test), file=stream, flush=True)
    if test.passed and test.output.strip() and "\n" not in test.output.strip():
        print(f"      {test.output.strip()}", file=stream, flush=True)


def print_table(results, stream=sys.stdout, show_output=True, show_rows=True):
    """One row per check, then each failure's message, then the total."""
    if results.output:
        print(results.output, file=stream)
    width = max([len(t.name) for t in results.tests] + [10])
    for test in results.tests if show_rows else ():
        print(row(test, width), file=stream)
    failures = [t for t in results.tests if not t.passed and t.output]
    if show_output and failures:
        print("\nWhat went wrong:", file=stream)
        for test in failures:
            print(f"- {test.name}:", file=stream)
            print(textwrap.indent(test.output.strip(), "    "), file=stream)
    print(f"\nScore: {results.score:g} / {results.max_score:g}", file=stream)
