# Office analyser: ole (tests and harnesses)
