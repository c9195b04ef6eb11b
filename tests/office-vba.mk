# Office analyser: vba (tests and harnesses)
