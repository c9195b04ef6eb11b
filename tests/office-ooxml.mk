# Office analyser: ooxml (tests and harnesses)
