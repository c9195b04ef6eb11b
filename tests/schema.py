"""Real reports validate against docs/mailhunt-report.schema.json: our
own test mail and, when present, every file of the public corpora."""
import json
import os

import jsonschema

import mhtest
from mhtest import ok, eq

SRC = mhtest.srcdir()
with open(os.path.join(SRC, 'docs', 'mailhunt-report.schema.json')) as f:
    schema = json.load(f)
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)


def validate_scan(label, *paths, args=('scan', '--all', '--contacts')):
    rc, out, err = mhtest.run(*args, '--format', 'jsonl', *paths)
    lines = out.splitlines()
    errors = []
    for n, line in enumerate(lines, 1):
        obj = json.loads(line)
        for e in validator.iter_errors(obj):
            errors.append(f"line {n} ({obj.get('locator', {}).get('file', obj.get('file', 'summary'))}): "
                          f"{'/'.join(map(str, e.absolute_path))}: {e.message}")
    ok(len(lines) > 1 and not errors, f"{label}: {len(lines)} lines valid", '\n'.join(errors[:20]))
    return lines


lines = validate_scan('tests/data/mail', os.path.join(SRC, 'tests', 'data', 'mail'))
eq(json.loads(lines[-1])['type'], 'summary', 'tests/data/mail: the last line is the summary')

# the schema must reject what is wrong, or validating proves nothing
bad = json.loads(lines[0])
bad['locator']['index'] = -1
ok(not validator.is_valid(bad), "schema rejects a negative message index")
bad = json.loads(lines[-1])
del bad['flagged']
ok(not validator.is_valid(bad), "schema rejects a summary without flagged counts")

# check: every message with its case (A, B, not-spoof) and its originals
samples = os.path.join(SRC, 'samples-benign')
lines = validate_scan('samples, mailhunt check', os.path.join(samples, 'threads', 'eml'),
                      args=('check', '--mailbox', os.path.join(samples, 'threads', 'mbox', 'history.mbox')))
cases = {json.loads(line)['case']['verdict'] for line in lines if json.loads(line).get('type') == 'message'}
eq(cases, {'A-confirmed', 'B', 'not-spoof'}, "samples, mailhunt check: the three verdicts appear")
# scan: the stolen-thread map
lines = validate_scan('samples, scan of the thread mailboxes', os.path.join(samples, 'threads', 'mbox'))
threads = [json.loads(line) for line in lines if json.loads(line)['type'] == 'thread']
ok(len(threads) >= 5, f"scan: the stolen-thread map has {len(threads)} thread lines")
bad = dict(threads[0], thread='not-hex')
ok(not validator.is_valid(bad), "schema rejects a thread id that is not 12 hex digits")
# exposure: address lines
lines = validate_scan('samples, mailhunt exposure', os.path.join(samples, 'thunderbird-profile'),
                      args=('exposure',))
eq({json.loads(line)['type'] for line in lines}, {'address', 'summary'}, "exposure: address lines and the summary")
bad = json.loads(lines[0])
bad['from'] = -1
ok(not validator.is_valid(bad), "schema rejects a negative address count")

corpora = os.environ.get('MH_CORPORA', '')
if os.path.isdir(corpora):
    lines = validate_scan('corpora', corpora)
    types = {json.loads(line)['type'] for line in lines}
    eq(types, {'message', 'document', 'contact', 'summary'},
       "corpora: messages, documents, contacts and the summary all appear")
    # mailhunt doc, with the macro source
    validate_scan('corpora, mailhunt doc --show-code', os.path.join(corpora, 'poi'),
                  os.path.join(corpora, 'oletools'), args=('doc', '--show-code'))
else:
    for what in ("corpora: lines valid", "corpora: every line type", "corpora, mailhunt doc --show-code"):
        mhtest.skip(what, "corpora not found")
mhtest.done()
