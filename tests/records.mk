# records: see the helper report / docs
