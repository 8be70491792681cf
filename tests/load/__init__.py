"""make load: a bounded load test over loopback (run.sh, locustfile.py, prepare.py)."""
