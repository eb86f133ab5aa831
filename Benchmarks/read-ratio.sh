#!/usr/bin/env bash
# Read + check against libyaml's event parse, on a loaded machine: `yaml_events PLANS 2` and
# `verifier PLANS` for each binary given, run in turn RUNS times so that the load falls on all
# alike; prints the median wall and CPU (user + sys) seconds, their ratios to yaml_events, and
# the peak resident set.
# Usage: Benchmarks/read-ratio.sh PLANS RUNS MAQUETTE_BINARY...
#   e.g. Benchmarks/read-ratio.sh /tmp/p10k 5 /tmp/maquette-main .build/release/maquette
set -euo pipefail
cd "$(dirname "$0")/.."
plans=$1; runs=$2; shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/yaml_events" Benchmarks/references/yaml_events.c $(pkg-config --cflags --libs yaml-0.1) -lpthread
declare -A wall cpu mem
for _ in $(seq 1 "$runs"); do
  for b in yaml_events "$@"; do
    if [ "$b" = yaml_events ]; then cmd=("$work/yaml_events" "$plans" 2); else cmd=("$b" verifier "$plans"); fi
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "${cmd[@]}" >/dev/null 2>&1 || true
    read -r e u s m < <(tail -1 "$work/t")
    wall[$b]+="$e "; cpu[$b]+="$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') "; mem[$b]=$m
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ref_w=$(echo "${wall[yaml_events]}" | median); ref_c=$(echo "${cpu[yaml_events]}" | median)
for b in yaml_events "$@"; do
  w=$(echo "${wall[$b]}" | median); c=$(echo "${cpu[$b]}" | median)
  awk -v b="$b" -v w="$w" -v c="$c" -v rw="$ref_w" -v rc="$ref_c" -v m="${mem[$b]}" \
    'BEGIN { printf "%-40s wall %6.2f s (%5.2fx)  cpu %6.2f s (%5.2fx)  peak %5d MiB\n", b, w, w / rw, c, c / rc, m / 1024 }'
done
