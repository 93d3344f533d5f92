#!/usr/bin/env python3
"""Runs a command and prints its wall time and peak RSS (of it and its children)."""
import resource
import subprocess
import sys
import time

start = time.monotonic()
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
took = time.monotonic() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("%.3f %d %d" % (took, peak_kb, rc))
