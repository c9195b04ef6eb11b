# Office analyser: archive (tests and harnesses)
