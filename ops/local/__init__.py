"""Local servers for development (`make run`) and tests: private, on free ports, in given folders."""
