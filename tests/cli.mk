# Command-line tests: golden reports, options, exit statuses, JSON Schema.
TESTS += tests/cli.py tests/schema.py
EXTRA_DIST += tests/cli.py tests/schema.py
