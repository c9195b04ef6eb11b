# Office analyser: rules (tests and harnesses)
