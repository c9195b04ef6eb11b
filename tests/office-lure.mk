# Lure templates (src/office/lure.c): tests and harnesses
