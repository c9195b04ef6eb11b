TESTS += tests/corpora-imap-tools.py tests/corpora-notmuch.py tests/corpora-tika-mbox.py tests/corpora-japanese.py
EXTRA_DIST += tests/corpora-imap-tools.py tests/corpora-notmuch.py tests/corpora-tika-mbox.py tests/corpora-japanese.py
