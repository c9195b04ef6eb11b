# bulk: see the helper report / docs
