#!/bin/sh
# regen.sh - rewrite the golden files of tests/cli from build/rmxf.
# The new files are what rmxf prints now: read `git diff -- tests/cli`
# and keep only what is right (a wrong SPF result is a bug to report,
# not a golden file to commit).
RMXF_REGEN=1 exec sh "$(dirname "$0")/run.sh" "$@"
