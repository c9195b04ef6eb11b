# Command-line tests: golden reports, options, exit statuses, JSON Schema.
TESTS += tests/cli.py tests/schema.py
EXTRA_DIST += tests/cli.py tests/schema.py
# the Office analyser end to end: generated samples and corpora facts
TESTS += tests/office-cli.py
EXTRA_DIST += tests/office-cli.py
