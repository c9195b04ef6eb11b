"""Small TAP helper for mailhunt's script tests.

Each test script prints TAP (https://testanything.org) so that automake's
tap-driver counts every assertion.  Scripts that need ../shared/corpora
call `corpora()`, which ends the script as skipped when it is absent.
"""
import json
import os
import subprocess
import sys

_count = 0
_failed = 0


def ok(cond, desc, detail=None):
    """One assertion: prints 'ok N - desc' or 'not ok N - desc' with detail."""
    global _count, _failed
    _count += 1
    desc = desc.replace('\n', ' ').replace('#', '\\#')
    if cond:
        print(f"ok {_count} - {desc}")
    else:
        _failed += 1
        print(f"not ok {_count} - {desc}")
        if detail is not None:
            for line in str(detail).splitlines() or ['']:
                print(f"# {line}")
    sys.stdout.flush()
    return cond


def eq(got, expected, desc):
    return ok(got == expected, desc, f"expected: {expected!r}\n     got: {got!r}")


def skip(desc, reason):
    """One assertion that could not be made here: 'ok N - desc # SKIP reason'."""
    global _count
    _count += 1
    print(f"ok {_count} - {desc} # SKIP {reason}")
    sys.stdout.flush()


def skip_all(reason):
    print(f"1..0 # SKIP {reason}")
    sys.exit(0)


def done():
    print(f"1..{_count}")
    sys.exit(0)


def corpora():
    """Path of the public test corpora, or skip the whole script."""
    path = os.environ.get('MH_CORPORA', '')
    if not path or not os.path.isdir(path):
        skip_all(f"corpora not found at '{path}' (configure --with-corpora=DIR)")
    return path


def srcdir():
    return os.environ.get('MH_SRCDIR', os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def mailhunt():
    return os.environ.get('MAILHUNT', os.path.join(srcdir(), 'mailhunt'))


SANITIZER_MARKS = ('ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:')


def run(*args, stdin=None):
    """Runs mailhunt with args; returns (exit status, stdout, stderr) as text.

    In the sanitizer build a report on stderr is a failure of its own,
    whatever the test goes on to check."""
    p = subprocess.run([mailhunt(), *args], input=stdin, capture_output=True, timeout=600)
    out, err = p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')
    if any(mark in err for mark in SANITIZER_MARKS):
        ok(False, f"sanitizer report from mailhunt {' '.join(args)}", err[-3000:])
    return p.returncode, out, err


def scan_lines(*paths, command='scan', extra=()):
    """`mailhunt COMMAND --format jsonl` (scan with --all) over paths.

    Returns (exit status, every non-summary line as an object, summary, stderr)."""
    args = [command, '--format', 'jsonl', *extra, *paths]
    if command == 'scan':
        args.insert(1, '--all')
    rc, out, err = run(*args)
    lines, summary = [], None
    for line in out.splitlines():
        obj = json.loads(line)
        if obj.get('type') == 'summary':
            summary = obj
        else:
            lines.append(obj)
    return rc, lines, summary, err


def scan(*paths, extra=()):
    """`mailhunt scan --all --format jsonl` over paths.

    Returns (exit status, list of message objects, summary object, stderr);
    document and contact lines are left out (scan_lines has them)."""
    rc, lines, summary, err = scan_lines(*paths, extra=extra)
    return rc, [o for o in lines if o.get('type') == 'message'], summary, err
