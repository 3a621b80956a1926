"""Rules about repositories that the gateway (to refuse bad input at once) and repo_clone (to
enforce them where the work happens) both apply."""
