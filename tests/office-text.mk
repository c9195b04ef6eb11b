# Document text (ole.c/ooxml.c text extraction): tests and harnesses
