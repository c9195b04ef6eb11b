# bench: see the helper report / docs
