# Office analyser: gen (tests and harnesses)
